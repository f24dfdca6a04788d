import { startTestStack, PROD_SHOP, type TestStack } from "../../test/harness";
import { boardClient, collect, recordStatusChange, someOrders } from "../../test/board-client";
import { startTcpProxy, type TcpProxy } from "../../test/tcp-proxy";
import { createLogger } from "../../core/logger";
import { startRouter, type RunningRouter } from "../server";

/**
 * The orders subgraph killed between the board's read of its feed and the resolution of the
 * events it read (the fault drill's `kill -9 orders`): the events are held and delivered once
 * the subgraph is back, never handed out as errors in their place (a board resuming with `after`
 * would then never see them). A router of the test's own reaches the orders subgraph through a
 * TCP proxy the test cuts.
 */
const BOARD = `subscription { orderStatusChanged { historyId newStatus } }`;

let t: TestStack;
let proxy: TcpProxy;
let router: RunningRouter;

beforeAll(async () => {
  t = await startTestStack();
  proxy = await startTcpProxy({ host: "127.0.0.1", port: t.stack.subgraphs.orders.port });
  const { config } = t.stack;
  const orders = `http://127.0.0.1:${proxy.port}/graphql`;
  router = await startRouter({
    config: { ...config, subgraphUrls: { ...config.subgraphUrls, orders } },
    db: t.stack.db,
    logger: createLogger("silent"),
    port: 0,
    host: "127.0.0.1",
  });
});
afterAll(async () => {
  await router?.stop();
  await proxy?.close();
  await t?.stop();
});

async function until(condition: () => boolean, what: string) {
  for (let i = 0; !condition(); i++) {
    if (i > 600) throw new Error(`still waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it("holds an event that met the orders subgraph unreachable and delivers it once it is back", async () => {
  const hub = router.board.hub;
  const [orderId] = await someOrders(t.stack.db, PROD_SHOP, 1);
  const client = boardClient({ ...t, graphqlUrl: `${router.url}/graphql` }, t.token(PROD_SHOP));
  const board = collect(client, BOARD);
  await until(() => hub.liveSubscribersOf(PROD_SHOP) === 1, "the board to attach");

  // the next resolution waits, with its rows read, until the proxy is cut
  const resolve = hub.resolve.bind(hub);
  const outcomes: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((done) => (release = done));
  hub.resolve = async (operation, viewer, rows) => {
    outcomes.push("started");
    await released;
    try {
      const events = await resolve(operation, viewer, rows);
      outcomes.push(`resolved ${events.length}`);
      return events;
    } catch (error) {
      outcomes.push(`failed: ${(error as Error).message}`);
      throw error;
    }
  };
  try {
    const historyId = await recordStatusChange(t.stack.db, PROD_SHOP, orderId, "ACCEPTED");
    await until(() => outcomes.length === 1, "the resolution to start");
    proxy.pause();
    release();
    await until(() => outcomes.length === 2, "the resolution to meet the cut");
    expect(outcomes[1]).toMatch(/^failed: .*subgraph is unavailable/);
    expect(board.results).toEqual([]);

    proxy.resume();
    await until(() => board.results.length > 0, "the event after the subgraph came back");
    expect(board.results).toEqual([{ data: { orderStatusChanged: { historyId, newStatus: "ACCEPTED" } } }]);
  } finally {
    hub.resolve = resolve;
    proxy.resume();
    await client.dispose();
  }
});
