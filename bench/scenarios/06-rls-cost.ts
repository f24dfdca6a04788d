import { graphqlBody, load, type BenchRow, type BenchScenario } from "../harness";
import { BOARD_QUERY } from "./01-board-query";

/**
 * What the tenant wall costs: the board query through a stack behind the wall (application
 * role, RLS, set_config per transaction) beside the same query on a stack with the wall's
 * set_config left out, connected as the owner (a superuser, so no RLS either). Both stacks
 * are started for this scenario and measured in alternating rounds; the ratio of the
 * medians is the figure. Target: at most 1.3.
 */
const ROUNDS = 3;
const SECONDS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export const scenario: BenchScenario = {
  name: "rls-cost",
  ownStacks: true,
  async run({ token, startStack, ownerDatabaseUrl }) {
    const quiet = { STOCK_CONSUMER_POLL_MS: "0" };
    // both in one process each: the switch below exists only in bench/stack-process.ts
    const walled = await startStack(quiet, "single");
    const open = await startStack(
      { ...quiet, BENCH_WITHOUT_TENANT_SETTING: "1", BENCH_OWNER_DATABASE_URL: ownerDatabaseUrl },
      "single",
    );
    try {
      const headers = { "content-type": "application/json", authorization: `Bearer ${token(17008)}` };
      const body = graphqlBody(BOARD_QUERY);
      // both answer the same board (the switch must not change what the query returns)
      const answers = await Promise.all(
        [walled, open].map(async (stack) => (await fetch(stack.graphqlUrl, { method: "POST", headers, body })).text()),
      );
      if (answers[0] !== answers[1] || !answers[0].includes('"orders"'))
        throw new Error("the two stacks answer the board query differently");
      for (const stack of [walled, open])
        await load({ url: stack.graphqlUrl, connections: 4, durationSeconds: 2, headers, body });

      const runs = { walled: [] as Awaited<ReturnType<typeof load>>[], open: [] as Awaited<ReturnType<typeof load>>[] };
      for (let round = 0; round < ROUNDS; round++) {
        runs.walled.push(
          await load({ url: walled.graphqlUrl, connections: 4, durationSeconds: SECONDS, headers, body }),
        );
        runs.open.push(await load({ url: open.graphqlUrl, connections: 4, durationSeconds: SECONDS, headers, body }));
      }
      const summary = (list: Awaited<ReturnType<typeof load>>[]) => ({
        p50: median(list.map((r) => r.p50)),
        p99: median(list.map((r) => r.p99)),
        rps: median(list.map((r) => r.rps)),
        errors: list.reduce((n, r) => n + r.errors + r.non2xx, 0),
      });
      const w = summary(runs.walled);
      const o = summary(runs.open);
      const latencyRatio = w.p50 / Math.max(o.p50, 0.001);
      const throughputRatio = o.rps / Math.max(w.rps, 0.001);
      const rows: BenchRow[] = [
        {
          scenario: "board query, tenant wall on (app role, RLS)",
          p50: w.p50,
          p99: w.p99,
          rps: w.rps,
          notes: `4 conn, median of ${ROUNDS} × ${SECONDS} s; errors ${w.errors}`,
        },
        {
          scenario: "board query, wall's set_config left out (owner)",
          p50: o.p50,
          p99: o.p99,
          rps: o.rps,
          notes: `errors ${o.errors}`,
        },
        {
          scenario: "RLS cost: wall on / off",
          target: "≤ 1.3",
          met: latencyRatio <= 1.3 && throughputRatio <= 1.3 && w.errors + o.errors === 0,
          notes: `p50 ratio ${latencyRatio.toFixed(2)}, req/s ratio ${throughputRatio.toFixed(2)}`,
        },
      ];
      return rows;
    } finally {
      await walled.stop();
      await open.stop();
    }
  },
};
