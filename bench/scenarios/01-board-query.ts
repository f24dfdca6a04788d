import { combine, graphqlBody, load, sequential, type BenchScenario } from "../harness";

/** The live board's query through the router, and products(first: 20) through the router and direct. */
export const BOARD_QUERY = `query Board { orders(first: 50) { edges { node { id status items { quantity product { name stock } } history { newStatus } } } } }`;
const PRODUCTS_QUERY = `query Products { products(first: 20) { totalCount edges { node { id name price formattedPrice images { url } } } } }`;

const ROUNDS = 4;

export const scenario: BenchScenario = {
  name: "foundation",
  async run({ stack, token, config }) {
    const headers = { "content-type": "application/json", authorization: `Bearer ${token(17008)}` };
    await load({ url: stack.graphqlUrl, connections: 2, durationSeconds: 2, headers, body: graphqlBody(BOARD_QUERY) }); // warm-up
    // one connection: timed per request here (sub-millisecond); ten: autocannon
    const board1 = await sequential({ url: stack.graphqlUrl, headers, body: graphqlBody(BOARD_QUERY), seconds: 8 });
    const board10 = await load({
      url: stack.graphqlUrl,
      connections: 10,
      durationSeconds: 8,
      headers,
      body: graphqlBody(BOARD_QUERY),
    });

    const { signViewer } = await import("../../core/subgraph-signature");
    const viewer = { userId: "bench", shopId: 17008, role: "ADMIN" as const };
    // the signature is valid for five minutes: long enough for this run
    const directHeaders = { "content-type": "application/json", ...signViewer(viewer, "bench", config.subgraphSecret) };
    const products = graphqlBody(PRODUCTS_QUERY);
    await sequential({ url: stack.graphqlUrl, headers, body: products, seconds: 2 });
    await sequential({ url: stack.catalogUrl, headers: directHeaders, body: products, seconds: 1 });
    // router and direct alternate in rounds, so a noisy moment weighs on both alike
    const routerRounds = [];
    const directRounds = [];
    for (let round = 0; round < ROUNDS; round++) {
      routerRounds.push(await sequential({ url: stack.graphqlUrl, headers, body: products, seconds: 2 }));
      directRounds.push(
        await sequential({ url: stack.catalogUrl, headers: directHeaders, body: products, seconds: 2 }),
      );
    }
    const viaRouter = combine(routerRounds);
    const direct = combine(directRounds);
    const ratio = viaRouter.p50 / Math.max(direct.p50, 0.001);
    return [
      {
        scenario: "board query, router, 1 conn",
        p50: board1.p50,
        p99: board1.p99,
        rps: board1.rps,
        target: "p50 ≤ 25 ms",
        met: board1.p50 <= 25 && board1.errors === 0,
        notes: `errors ${board1.errors}`,
      },
      {
        scenario: "board query, router, 10 conn",
        p50: board10.p50,
        p99: board10.p99,
        rps: board10.rps,
        notes: `errors ${board10.errors + board10.non2xx}`,
      },
      {
        scenario: "products(first: 20), router, 1 conn",
        p50: viaRouter.p50,
        p99: viaRouter.p99,
        rps: viaRouter.rps,
        notes: `errors ${viaRouter.errors}; ${ROUNDS} × 2 s, alternating with direct`,
      },
      {
        scenario: "products(first: 20), catalog direct, 1 conn",
        p50: direct.p50,
        p99: direct.p99,
        rps: direct.rps,
        notes: `errors ${direct.errors}`,
      },
      {
        scenario: "router / direct latency",
        target: "≤ 2",
        met: ratio <= 2 && viaRouter.errors + direct.errors === 0,
        notes: `p50 ratio ${ratio.toFixed(2)} (router adds ${(viaRouter.p50 - direct.p50).toFixed(1)} ms)`,
      },
    ];
  },
};
