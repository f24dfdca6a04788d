import crypto from "node:crypto";

/**
 * The mixed load of the rolling-restart test and the fault drill, through the public origin:
 * admin queries, admin edits (addOrderNote), Bitrix status webhooks and order-sync webhooks,
 * product edits (pushed to Bitrix by the outbox relay). Every request is written in a ledger,
 * with a tag that finds its effect in the database (app/drill/checks.ts).
 */
export interface LoadTargets {
  origin: string;
  adminToken: string;
  webhookSecret: string;
  /**
   * orders of the Bitrix shop: our id, Bitrix's, and the status it has now; each status sender
   * owns a few of them
   */
  orders: { id: string; bitrixOrderId: number; status: string }[];
  /** products of the Bitrix shop carrying a Bitrix id, for edits the relay pushes */
  products?: string[];
}

export interface LoadOptions {
  queries: number;
  notes: number;
  statusWebhooks: number;
  orderSync?: number;
  productEdits?: number;
  /**
   * true (the drill): a webhook that is not answered 2xx is sent again, the same delivery, until
   * it is, as Bitrix's retry would; false (the rolling restart): nothing is sent twice.
   */
  retryWebhooks: boolean;
  /** pause between one sender's requests */
  pauseMs?: number;
}

export type Kind = "query" | "note" | "status" | "order-sync" | "product";

export interface Sent {
  kind: Kind;
  tag: string;
  /** the HTTP status, or 0 when there was no answer (connection refused or reset) */
  status: number;
  ok: boolean;
  detail?: string;
  /** what a webhook answered (`status` of its JSON), and how many times it was sent */
  outcome?: string;
  attempts?: number;
  /** the record the check looks for (order id, Bitrix id, product id and price) */
  subject: Record<string, string | number>;
}

export interface Load {
  readonly sent: Sent[];
  readonly inFlight: number;
  /** requests that were in flight at this moment (the drill reads it when it strikes) */
  stop(): Promise<Sent[]>;
}

/** Bitrix ids of the orders order-sync creates: above the seed's, unique within a process and likely across runs */
const ORDER_SYNC_BASE = 1_000_000_000 + (Date.now() % 1_000_000) * 1_000;
let orderSyncNext = 0;

const NOTE = `mutation($id: ID!, $text: String!) { addOrderNote(id: $id, text: $text) { id } }`;
const QUERY = `{ orders(first: 5) { totalCount edges { node { id status } } } }`;
const EDIT_PRODUCT = `mutation($id: ID!, $price: Int!) { updateProduct(id: $id, input: { price: $price }) { id price } }`;

/** One sender's step: the n-th request of sender `index`, tagged `tag`. */
type Step = (index: number, n: number, tag: string) => Promise<Sent>;

interface Client {
  graphql(query: string, variables: Record<string, unknown>): Promise<Answer>;
  /** a delivery, sent again while refused when the drill asks for Bitrix's retries */
  deliver(path: string, body: unknown): Promise<Answer>;
}

/** The senders of each kind: how many (from the options) and what each step sends. */
function senders(targets: LoadTargets, options: LoadOptions, client: Client): [Kind, number, Step][] {
  const owned = splitAmong(targets.orders, options.statusWebhooks);
  const products = targets.products ?? [];
  return [
    [
      "query",
      options.queries,
      async (_i, _n, tag) => {
        const answer = await client.graphql(QUERY, {});
        return record("query", tag, answer, graphqlOk(answer, "orders"), {});
      },
    ],
    [
      "note",
      options.notes,
      async (i, n, tag) => {
        const order = targets.orders[(i * 7 + n) % targets.orders.length];
        const answer = await client.graphql(NOTE, { id: order.id, text: tag });
        return record("note", tag, answer, graphqlOk(answer, "addOrderNote"), { orderId: order.id });
      },
    ],
    [
      "status",
      owned.length,
      async (i, n, tag) => {
        // one sender per order, each delivery a change (ACCEPTED and ASSEMBLED in turn): an
        // "unchanged" answer then means an earlier attempt of this very delivery was applied
        const mine = owned[i];
        const order = mine[n % mine.length];
        const status = order.status === "ACCEPTED" ? "CO" : "AP";
        const body = { order_id: order.bitrixOrderId, status, changed_by_id: 42, notes: tag };
        const answer = await client.deliver("order-status-sync", body);
        const ok = isSuccess(answer, ["success", "unchanged"]);
        if (ok) order.status = status === "AP" ? "ACCEPTED" : "ASSEMBLED";
        return record("status", tag, answer, ok, { bitrixOrderId: order.bitrixOrderId });
      },
    ],
    [
      "order-sync",
      options.orderSync ?? 0,
      async () => {
        const bitrixOrderId = ORDER_SYNC_BASE + orderSyncNext++;
        const tag = `order-sync-${bitrixOrderId}`;
        const answer = await client.deliver("order-sync", orderSyncBody(bitrixOrderId, tag));
        return record("order-sync", tag, answer, isSuccess(answer, ["created", "unchanged"]), { bitrixOrderId });
      },
    ],
    [
      "product",
      products.length ? (options.productEdits ?? 0) : 0,
      async (i, n, tag) => {
        const productId = products[(i + n * (options.productEdits ?? 1)) % products.length];
        const price = 100_000 + ((n * 37 + i * 11) % 5_000) * 100;
        const answer = await client.graphql(EDIT_PRODUCT, { id: productId, price });
        return record("product", tag, answer, graphqlOk(answer, "updateProduct"), { productId, price });
      },
    ],
  ];
}

export function startLoad(targets: LoadTargets, options: LoadOptions): Load {
  const sent: Sent[] = [];
  const runId = crypto.randomBytes(3).toString("hex");
  let inFlight = 0;
  let running = true;
  const call = async (path: string, body: unknown, headers: Record<string, string>) => {
    inFlight++;
    try {
      return await post(`${targets.origin}${path}`, body, headers);
    } finally {
      inFlight--;
    }
  };
  const client: Client = {
    graphql: (query, variables) =>
      call("/graphql", { query, variables }, { authorization: `Bearer ${targets.adminToken}` }),
    async deliver(path, body) {
      for (let attempts = 1; ; attempts++) {
        const answer = await call(`/api/v1/webhooks/${path}`, body, { "x-webhook-secret": targets.webhookSecret });
        if ((answer.status >= 200 && answer.status < 300) || !options.retryWebhooks || !running)
          return { ...answer, attempts };
        await sleep(250);
      }
    },
  };
  const loop = async (kind: Kind, index: number, step: Step) => {
    for (let n = 0; running; n++) {
      sent.push(await step(index, n, `${kind}-${runId}-${index}-${n}`));
      await sleep(options.pauseMs ?? 20);
    }
  };
  const loops: Promise<void>[] = [];
  for (const [kind, count, step] of senders(targets, options, client))
    for (let i = 0; i < count; i++) loops.push(loop(kind, i, step));
  return {
    sent,
    get inFlight() {
      return inFlight;
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      return sent;
    },
  };
}

interface Answer {
  status: number;
  body: any;
  detail?: string;
  attempts?: number;
}

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<Answer> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // kept as text: the ledger shows what came back
    }
    return { status: response.status, body: parsed };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { status: 0, body: null, detail: cause?.code ?? (error as Error).message };
  }
}

function graphqlOk(answer: Answer, field: string): boolean {
  return answer.status === 200 && !answer.body?.errors && answer.body?.data?.[field] != null;
}

function isSuccess(answer: Answer, outcomes: string[]): boolean {
  return answer.status >= 200 && answer.status < 300 && outcomes.includes(answer.body?.status);
}

function record(kind: Kind, tag: string, answer: Answer, ok: boolean, subject: Sent["subject"]): Sent {
  const detail = ok
    ? undefined
    : (answer.detail ??
      (typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body?.errors ?? answer.body)));
  const outcome = typeof answer.body?.status === "string" ? { outcome: answer.body.status as string } : {};
  return {
    kind,
    tag,
    status: answer.status,
    ok,
    subject,
    ...outcome,
    ...(answer.attempts ? { attempts: answer.attempts } : {}),
    ...(detail ? { detail: detail.slice(0, 300) } : {}),
  };
}

function splitAmong<T>(items: T[], parts: number): T[][] {
  const groups: T[][] = Array.from({ length: Math.min(parts, items.length) }, () => []);
  items.forEach((item, i) => groups.length && groups[i % groups.length].push(item));
  return groups;
}

function orderSyncBody(bitrixOrderId: number, tag: string) {
  return {
    order_id: bitrixOrderId,
    status: "N",
    updated_at: new Date().toISOString(),
    customer: { name: "Drill Customer", phone: "+77010000000" },
    recipient: { name: "Drill Recipient", phone: "+77010000001" },
    delivery: { kind: "PICKUP" },
    comment: tag,
    items: [{ product_id: 1, name: "Drill bouquet", quantity: 1, price: 500_000 }],
    payments: [],
  };
}

export function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
