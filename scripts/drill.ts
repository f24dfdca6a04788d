/**
 * The fault drill (docs/operations.md "Fault drill"): `npm run drill` starts every part in a
 * process of its own on an embedded PostgreSQL of its own, runs a mixed load with 100 live
 * boards, kill -9s the router, each subgraph, the workers and PostgreSQL, pauses PostgreSQL
 * for 10 s, and prints what each fault cost. Exits 1 when anything was lost or duplicated,
 * a board missed an event, the outbox did not deliver, or /ready took longer than 10 s.
 *   npm run drill [-- --boards 100 --json]
 */
import { formatTable, READY_BOUND_MS, runDrill } from "../app/drill/run";

async function main(args: string[]) {
  const boardsAt = args.indexOf("--boards");
  const boards = boardsAt >= 0 ? Number(args[boardsAt + 1]) : 100;
  const rows = await runDrill({ boards, log: (line) => console.error(line) });
  console.log(args.includes("--json") ? JSON.stringify(rows) : formatTable(rows));
  const failed = rows.filter(
    (row) =>
      row.lost || row.duplicated || row.boardProblems.length || row.undelivered || row.timeToReadyMs > READY_BOUND_MS,
  );
  for (const row of failed) console.error(`FAILED: ${row.fault}`, row.boardProblems.slice(0, 3));
  process.exit(failed.length ? 1 : 0);
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error);
  process.exit(1);
});
