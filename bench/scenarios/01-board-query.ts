import { graphqlBody, load, type BenchScenario } from "../harness";

/** The live board's query through the router, and products(first: 20) through the router and direct. */
export const BOARD_QUERY = `query Board { orders(first: 50) { edges { node { id status items { quantity product { name stock } } history { newStatus } } } } }`;
const PRODUCTS_QUERY = `query Products { products(first: 20) { totalCount edges { node { id name price formattedPrice images { url } } } } }`;

export const scenario: BenchScenario = {
  name: "foundation",
  async run({ stack, token, config }) {
    const headers = { "content-type": "application/json", authorization: `Bearer ${token(17008)}` };
    await load({ url: stack.graphqlUrl, connections: 2, durationSeconds: 2, headers, body: graphqlBody(BOARD_QUERY) }); // warm-up
    const board1 = await load({ url: stack.graphqlUrl, connections: 1, durationSeconds: 8, headers, body: graphqlBody(BOARD_QUERY) });
    const board10 = await load({ url: stack.graphqlUrl, connections: 10, durationSeconds: 8, headers, body: graphqlBody(BOARD_QUERY) });

    const { signViewer } = await import("../../core/subgraph-signature");
    const viewer = { userId: "bench", shopId: 17008, role: "ADMIN" as const };
    await load({ url: stack.graphqlUrl, connections: 1, durationSeconds: 2, headers, body: graphqlBody(PRODUCTS_QUERY) });
    const viaRouter = await load({ url: stack.graphqlUrl, connections: 1, durationSeconds: 8, headers, body: graphqlBody(PRODUCTS_QUERY) });
    // the signature is valid for five minutes: long enough for this run
    const direct = await load({
      url: stack.catalogUrl,
      connections: 1,
      durationSeconds: 8,
      headers: { "content-type": "application/json", ...signViewer(viewer, "bench", config.subgraphSecret) },
      body: graphqlBody(PRODUCTS_QUERY),
    });
    const ratio = viaRouter.p50 / Math.max(direct.p50, 0.001);
    return [
      { scenario: "board query, router, 1 conn", p50: board1.p50, p99: board1.p99, rps: board1.rps, target: "p50 ≤ 25 ms", met: board1.p50 <= 25, notes: `errors ${board1.errors + board1.non2xx}` },
      { scenario: "board query, router, 10 conn", p50: board10.p50, p99: board10.p99, rps: board10.rps, notes: `errors ${board10.errors + board10.non2xx}` },
      { scenario: "products(first: 20), router", p50: viaRouter.p50, p99: viaRouter.p99, rps: viaRouter.rps, notes: `errors ${viaRouter.errors + viaRouter.non2xx}` },
      { scenario: "products(first: 20), catalog direct", p50: direct.p50, p99: direct.p99, rps: direct.rps, notes: `errors ${direct.errors + direct.non2xx}` },
      {
        scenario: "router / direct latency",
        target: "≤ 2",
        met: ratio <= 2 && viaRouter.errors + viaRouter.non2xx + direct.errors + direct.non2xx === 0,
        notes: `p50 ratio ${ratio.toFixed(2)}; errors router ${viaRouter.errors + viaRouter.non2xx}, direct ${direct.errors + direct.non2xx}`,
      },
    ];
  },
};
