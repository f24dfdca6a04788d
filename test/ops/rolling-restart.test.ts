import pg from "pg";
import { findFreePort } from "../../core/database-server";
import { createDatabase, type Database } from "../../core/db";
import { createLogger } from "../../core/logger";
import { startSubgraph, type RunningSubgraph } from "../../core/subgraph-server";
import { SUBGRAPHS } from "../../app/stack";
import { partProcess, type PartProcess } from "../../app/drill/processes";
import { startRoundRobinProxy, type RoundRobinProxy } from "../../app/drill/proxy";
import { startLoad, sleep, type Load } from "../../app/drill/load";
import { checkBoards, checkLedger, failures } from "../../app/drill/checks";
import { ResumingSubscriber } from "../../app/drill/board";
import { BITRIX_SHOP, loadTargets, newestBoardEvent, partEnvironment } from "../../app/drill/cluster";
import { Readable } from "node:stream";
import { applicationUrl, createTestDatabase, testConfig } from "../harness";
import { put, type PutAnswer } from "../uploads-client";
import { png } from "../image-fixtures";

/**
 * A rolling restart (docs/operations.md): two router processes (scripts/serve.ts router) behind a
 * round-robin proxy that checks their /ready and moves a refused connection to the other router,
 * as deploy/haproxy.cfg does; under queries, edits, status webhooks and live boards, each router
 * in turn gets SIGTERM, exits, and starts again. No request fails, every webhook answered 2xx is
 * in the database once, and every board resumes behind its last event and misses none.
 */
// generous: five processes and a load on a loaded 2-core machine; a quiet one takes well under a minute
jest.setTimeout(480_000);

let database: { url: string; drop(): Promise<void> };
let owner: pg.Pool;
let subgraphDb: Database;
const subgraphs: RunningSubgraph[] = [];
const routers: PartProcess[] = [];
let proxy: RoundRobinProxy;
let boards: ResumingSubscriber[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  owner = new pg.Pool({ connectionString: database.url, max: 2 });
  const appUrl = applicationUrl(database.url);
  const config = testConfig({ JWT_SECRET: "drill-jwt-secret" });
  subgraphDb = createDatabase(appUrl, { max: 10 });
  const logger = createLogger("silent");
  for (const [name, definition] of Object.entries(SUBGRAPHS)) {
    const port = config.subgraphPorts[name as keyof typeof SUBGRAPHS];
    subgraphs.push(await startSubgraph(definition as never, { config, db: subgraphDb, logger, port }));
  }
  const urls = Object.fromEntries(subgraphs.map((s) => [`${s.name.toUpperCase()}_URL`, s.url]));
  // /ready answers 503 for 2 s before the listener closes: 20 of the proxy's checks
  const env = partEnvironment(database.url, appUrl, { ...urls, DRAIN_DELAY_MS: "2000" });
  // below the ephemeral range, so that no outgoing connection takes the port while a router restarts
  const first = await findFreePort(27_500 + Math.floor(Math.random() * 200));
  const second = await findFreePort(first + 1);
  for (const [i, port] of [first, second].entries())
    routers.push(partProcess({ name: `router-${i + 1}`, part: "router", port, env }));
  await Promise.all(routers.map((router) => router.start()));
  proxy = await startRoundRobinProxy([first, second], { checkIntervalMs: 100 });
}, 300_000);

afterAll(async () => {
  await Promise.all(boards.map((board) => board.close()));
  await Promise.all(routers.map((router) => router.kill()));
  await proxy?.close();
  await Promise.all(subgraphs.map((s) => s.stop()));
  await subgraphDb?.close();
  await owner?.end();
  await database?.drop();
});

/** Resolves once the load has `count` more successes than now: the cluster is serving. */
async function moreSuccesses(load: Load, count: number, timeoutMs: number) {
  const target = load.sent.filter((s) => s.ok).length + count;
  const deadline = Date.now() + timeoutMs;
  while (load.sent.filter((s) => s.ok).length < target) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} successes in ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

const CREATE_UPLOAD = `mutation($input: CreateUploadInput!) { createUpload(input: $input) { uploadUrl uploadHeaders } }`;

/**
 * Starts a PUT of an image straight to `router`, its body sent in slices over about two seconds,
 * and resolves once the first slice is out: the upload is in flight when the router gets SIGTERM.
 */
async function slowUpload(graphqlUrl: string, token: string, router: PartProcess) {
  const bytes = await png(400, 300);
  const response = await fetch(graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: CREATE_UPLOAD,
      variables: { input: { purpose: "PRODUCT_IMAGE", contentType: "image/png", byteSize: bytes.length } },
    }),
  });
  const { uploadUrl, uploadHeaders } = ((await response.json()) as any).data.createUpload;
  const url = new URL(new URL(uploadUrl).pathname + new URL(uploadUrl).search, `http://127.0.0.1:${router.port}`);
  let firstSliceSent!: () => void;
  const started = new Promise<void>((resolve) => (firstSliceSent = resolve));
  const slices = 10;
  const body = Readable.from(
    (async function* () {
      for (let i = 0; i < slices; i++) {
        yield bytes.subarray(Math.floor((i * bytes.length) / slices), Math.floor(((i + 1) * bytes.length) / slices));
        if (i === 0) firstSliceSent();
        await sleep(200);
      }
    })(),
  );
  const answer = put(url.toString(), { ...uploadHeaders, "content-length": bytes.length }, body);
  await started;
  return { answer };
}

/**
 * 40 queries at once through the proxy: sent as the router gets SIGTERM, some of them sit in its
 * accept queue, which a listener closing at once would reset.
 */
function queryBurst(origin: string, token: string) {
  const one = () =>
    fetch(`${origin}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: "{ orders(first: 1) { totalCount } }" }),
    }).then(
      async (response) => `${response.status} ${(await response.text()).slice(0, 120)}`,
      (error: Error) => `no answer: ${error.message}`,
    );
  return Promise.all(Array.from({ length: 40 }, one));
}

it("restarts both routers one after the other under load without a failed request", async () => {
  const targets = await loadTargets(owner, proxy.url);
  const startedAfter = await newestBoardEvent(owner);
  const wsUrl = `${proxy.url.replace(/^http/, "ws")}/graphql`;
  boards = Array.from(
    { length: 10 },
    (_, i) => new ResumingSubscriber(`board-${i}`, wsUrl, targets.adminToken, startedAfter),
  );
  const load = startLoad(targets, { queries: 2, notes: 2, statusWebhooks: 3, retryWebhooks: false, pauseMs: 10 });
  try {
    await moreSuccesses(load, 15, 180_000);
    for (const router of routers) {
      const upload: { answer: Promise<PutAnswer> } | null =
        router === routers[0] ? await slowUpload(`${proxy.url}/graphql`, targets.adminToken, router) : null;
      // SIGTERM: /ready 503, then stop accepting, finish what is in flight, close the boards' sockets, exit 0
      const [code, burst] = await Promise.all([router.signal("SIGTERM"), queryBurst(proxy.url, targets.adminToken)]);
      expect(code).toBe(0);
      expect(burst.filter((answer) => !answer.startsWith('200 {"data"'))).toEqual([]);
      // the upload that was still arriving when the signal came was taken whole
      if (upload) expect((await upload.answer).status).toBeLessThan(300);
      await router.start();
      await moreSuccesses(load, 15, 180_000);
    }
  } finally {
    await load.stop();
  }
  const sent = load.sent;
  expect(failures(sent).slice(0, 20)).toEqual([]);
  // positive signals: the load did run through both restarts, and the proxy did take each router out
  for (const kind of ["query", "note", "status"] as const)
    expect(sent.filter((s) => s.kind === kind && s.ok).length).toBeGreaterThan(10);
  expect(proxy.takenOut).toBeGreaterThanOrEqual(2);
  expect(await checkLedger(owner, sent)).toEqual({ lost: [], duplicated: [] });
  // every board was told to go (1001) at least once, came back behind its last event, and missed nothing
  for (const board of boards) expect(board.closeCodes).toContain(1001);
  // generous: 10 boards replaying a few hundred events on a busy machine
  expect(await checkBoards(owner, boards, BITRIX_SHOP, 60_000)).toEqual([]);
});
