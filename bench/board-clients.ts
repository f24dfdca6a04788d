import { parentPort, workerData, Worker } from "node:worker_threads";
import WebSocket from "ws";
import { createClient, type Client } from "graphql-ws";

/**
 * A share of the board bench's subscribers, in a worker thread of the bench process: real
 * graphql-ws clients, each recording when every event reached it. The subscribers run in
 * threads of their own so that parsing tens of thousands of messages neither waits on one
 * thread nor delays the bench's writers, whose commit times are the other end of each
 * latency. Times are absolute (performance.timeOrigin + now), comparable across threads.
 */
export interface BoardClientsJob {
  url: string;
  query: string;
  /** one entry per subscriber: its shop and bearer token */
  subscribers: { shop: number; token: string }[];
}

/** What the bench asks a worker for. */
export type BoardClientsRequest = { type: "count" } | { type: "take" } | { type: "sets" } | { type: "close" };

export type BoardClientsReply =
  | { type: "connected"; count: number }
  | { type: "count"; delivered: number; errors: number }
  /** receipt times per history id since the last take */
  | { type: "take"; receipts: [string, number[]][] }
  /** every history id each subscriber received, in order */
  | { type: "sets"; sets: { shop: number; ids: string[] }[] }
  | { type: "closed" };

const now = () => performance.timeOrigin + performance.now();

function run(job: BoardClientsJob, port: NonNullable<typeof parentPort>) {
  const clients: Client[] = [];
  const sets = job.subscribers.map(({ shop }) => ({ shop, ids: [] as string[] }));
  let receipts = new Map<string, number[]>();
  let delivered = 0;
  let errors = 0;
  let connected = 0;
  const connect = ({ token }: { token: string }, index: number) => {
    const client = createClient({
      url: job.url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: false,
      on: { connected: () => port.postMessage({ type: "connected", count: ++connected } satisfies BoardClientsReply) },
    });
    clients.push(client);
    client.subscribe<{ orderStatusChanged: { historyId: string } }>(
      { query: job.query },
      {
        next: (result) => {
          const at = now();
          if (result.errors || !result.data) {
            errors += 1;
            return;
          }
          const id = result.data.orderStatusChanged.historyId;
          sets[index].ids.push(id);
          delivered += 1;
          let times = receipts.get(id);
          if (!times) receipts.set(id, (times = []));
          times.push(at);
        },
        error: () => (errors += 1),
        complete: () => undefined,
      },
    );
  };
  // boards connect 100 sockets at a time, not all in the same millisecond
  void (async () => {
    for (let from = 0; from < job.subscribers.length; from += 100) {
      job.subscribers.slice(from, from + 100).forEach((subscriber, i) => connect(subscriber, from + i));
      while (connected < Math.min(from + 100, job.subscribers.length)) await new Promise((r) => setTimeout(r, 20));
    }
  })();
  port.on("message", async (request: BoardClientsRequest) => {
    if (request.type === "count") port.postMessage({ type: "count", delivered, errors } satisfies BoardClientsReply);
    else if (request.type === "take") {
      const taken = receipts;
      receipts = new Map();
      port.postMessage({ type: "take", receipts: [...taken] } satisfies BoardClientsReply);
    } else if (request.type === "sets") port.postMessage({ type: "sets", sets } satisfies BoardClientsReply);
    else if (request.type === "close") {
      await Promise.all(clients.map((c) => c.dispose()));
      port.postMessage({ type: "closed" } satisfies BoardClientsReply);
    }
  });
}

if (parentPort && workerData) run(workerData as BoardClientsJob, parentPort);

/** The bench's side of a client thread. */
export class BoardClientsThread {
  private readonly worker: Worker;
  private readonly waiting: {
    type: BoardClientsReply["type"];
    resolve: (reply: BoardClientsReply) => void;
    reject: (error: Error) => void;
  }[] = [];
  private failed: Error | null = null;

  constructor(job: BoardClientsJob, onConnected: (count: number) => void) {
    // the thread loads this TypeScript file through tsx's require hook, as the bench itself runs
    this.worker = new Worker(`require("tsx/cjs"); require(${JSON.stringify(__filename)});`, {
      eval: true,
      workerData: job,
    });
    this.worker.on("message", (reply: BoardClientsReply) => {
      if (reply.type === "connected") return onConnected(reply.count);
      const index = this.waiting.findIndex((w) => w.type === reply.type);
      if (index >= 0) this.waiting.splice(index, 1)[0].resolve(reply);
    });
    // a thread that fails fails the bench's next question to it
    this.worker.on("error", (error) => {
      this.failed = error;
      for (const waiter of this.waiting.splice(0)) waiter.reject(error);
    });
  }

  private ask<T extends BoardClientsReply["type"]>(type: T): Promise<Extract<BoardClientsReply, { type: T }>> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting.push({ type, resolve: resolve as (reply: BoardClientsReply) => void, reject });
      this.worker.postMessage({ type: type === "closed" ? "close" : type } as BoardClientsRequest);
    });
  }

  async count() {
    return this.ask("count");
  }

  async take(): Promise<[string, number[]][]> {
    return (await this.ask("take")).receipts;
  }

  async sets() {
    return (await this.ask("sets")).sets;
  }

  async close(): Promise<void> {
    if (!this.failed) await this.ask("closed");
    await this.worker.terminate();
  }
}
