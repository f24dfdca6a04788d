/**
 * Before/after bench in one run:
 *   npx tsx bench/compare.ts [--before <git ref or dir>] [--after <git ref or dir>] [--rounds N] [scenario …]
 *
 * Runs the chosen scenarios (default: foundation, status-webhook, subscriptions) of two checkouts
 * alternately on one PostgreSQL server: each round runs every scenario on both sides, the side that
 * goes first alternating between rounds, so the machine's load falls on both alike. A side is a
 * directory or a git ref (defaults: before = the commit before HEAD, after = this checkout); a ref
 * is checked out in a git worktree under $TMPDIR/cvety-bench-checkouts/ that shares this checkout's
 * node_modules (or gets its own install when its package-lock.json differs). Prints each side's
 * median over the rounds and how many times worse after is than before for the figures issue 18
 * judges, beside the absolute gates.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../core/embedded-postgres";

const ROOT = path.resolve(__dirname, "..");
const DEFAULT_SCENARIOS = ["foundation", "status-webhook", "subscriptions"];

interface Row {
  scenario: string;
  p50?: number;
  p99?: number;
  rps?: number;
  notes: string;
}

/** A figure judged: where it comes from, whether more is better, and its absolute gate if any. */
interface Figure {
  name: string;
  read(rows: Row[]): number | undefined;
  higherIsBetter?: boolean;
  gate?: { max: number; label: string };
}

const row = (rows: Row[], scenario: string | RegExp) =>
  rows.find((r) => (typeof scenario === "string" ? r.scenario === scenario : scenario.test(r.scenario)));
const noted = (rows: Row[], scenario: string | RegExp, pattern: RegExp) => {
  const match = pattern.exec(row(rows, scenario)?.notes ?? "");
  return match ? Number(match[1]) : undefined;
};

const FIGURES: Figure[] = [
  {
    name: "status webhook req/s (20 conn)",
    read: (rows) => row(rows, "status webhook, 20 conn")?.rps,
    higherIsBetter: true,
  },
  { name: "status webhook p99 ms", read: (rows) => row(rows, "status webhook, 20 conn")?.p99 },
  {
    name: "status webhook p50 / bare-pg floor",
    read: (rows) => noted(rows, "status webhook / floor latency", /p50 ratio ([\d.]+)/),
    gate: { max: 3, label: "≤ 3" },
  },
  {
    name: "board query p50 ms, 1 conn",
    read: (rows) => row(rows, "board query, router, 1 conn")?.p50,
    gate: { max: 25, label: "≤ 25 ms" },
  },
  {
    name: "products router / direct p50",
    read: (rows) => noted(rows, "router / direct latency", /p50 ratio ([\d.]+)/),
    gate: { max: 2, label: "≤ 2" },
  },
  {
    name: "board sustained 100 changes/s p99 ms",
    read: (rows) => row(rows, /^board: .* at 10 per shop per second/)?.p99,
    gate: { max: 250, label: "≤ 250 ms" },
  },
  {
    name: "router RSS peak MB",
    read: (rows) => noted(rows, "board: router RSS", /peak in all runs (\d+) MB/),
    gate: { max: 300, label: "≤ 300 MB" },
  },
];

function parseArguments(argv: string[]) {
  const options = { before: "HEAD~1", after: ROOT, rounds: 1, scenarios: [] as string[] };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === "--before") options.before = argv[++i];
    else if (argument === "--after") options.after = argv[++i];
    else if (argument === "--rounds") options.rounds = Math.max(1, Number(argv[++i]) || 1);
    else options.scenarios.push(argument);
  }
  if (!options.scenarios.length) options.scenarios = DEFAULT_SCENARIOS;
  return options;
}

const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();

/** A side as a directory: itself, or a worktree of that git ref with dependencies and Prisma's client. */
function checkout(ref: string): { dir: string; label: string } {
  if (fs.existsSync(path.join(ref, "package.json"))) {
    const dirty = git(ref, "status", "--porcelain") ? ", with uncommitted changes" : "";
    return { dir: path.resolve(ref), label: `${ref} (${git(ref, "rev-parse", "--short", "HEAD")}${dirty})` };
  }
  const after = ROOT;
  const commit = git(after, "rev-parse", "--short", `${ref}^{commit}`);
  // outside the checkout, where no linter, formatter or test run of this checkout looks
  const dir = path.join(os.tmpdir(), "cvety-bench-checkouts", commit);
  if (!fs.existsSync(path.join(dir, "package.json"))) {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    git(after, "worktree", "add", "--detach", dir, commit);
  }
  const sameLock =
    fs.readFileSync(path.join(dir, "package-lock.json"), "utf8") ===
    fs.readFileSync(path.join(after, "package-lock.json"), "utf8");
  if (!fs.existsSync(path.join(dir, "node_modules"))) {
    if (sameLock) fs.symlinkSync(path.join(after, "node_modules"), path.join(dir, "node_modules"));
    else execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: dir, stdio: "inherit" });
  }
  // its own Prisma client, generated from its own schema (output: prisma/generated, inside the worktree)
  execFileSync("npx", ["prisma", "generate"], { cwd: dir, stdio: "ignore" });
  return { dir, label: `${ref} (${commit})` };
}

/** Parses bench/run.ts's printed table: `scenario | p50 ms | p99 ms | req/s | target | met | notes`. */
function parseTable(output: string): Row[] {
  const lines = output.split("\n");
  const header = lines.findIndex((line) => line.startsWith("scenario ") && line.includes("| p50 ms"));
  if (header < 0) return [];
  const number = (cell: string) => (cell.trim() === "" ? undefined : Number(cell));
  return lines
    .slice(header + 2)
    .filter((line) => line.includes(" | "))
    .map((line) => {
      const cells = line.split(" | ");
      return {
        scenario: cells[0].trim(),
        p50: number(cells[1]),
        p99: number(cells[2]),
        rps: number(cells[3]),
        notes: cells.slice(6).join(" | ").trim(),
      };
    });
}

function bench(dir: string, scenario: string, databaseUrl: string): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["tsx", "bench/run.ts", scenario], {
      cwd: dir,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`bench ${scenario} in ${dir} exited with ${code}`));
      else resolve(parseTable(output));
    });
  });
}

/** A stack that does not come up in time on a loaded machine (its first, cold start most of all) gets a second try. */
async function benchWithRetry(dir: string, scenario: string, databaseUrl: string): Promise<Row[]> {
  try {
    return await bench(dir, scenario, databaseUrl);
  } catch (error) {
    console.error(`${(error as Error).message}; once more`);
    return bench(dir, scenario, databaseUrl);
  }
}

function median(values: number[]): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function report(sides: { label: string; rounds: Row[][] }[], print: (line: string) => void = console.log) {
  const [before, after] = sides;
  const value = (side: (typeof sides)[number], figure: Figure) =>
    median(side.rounds.map((rows) => figure.read(rows)).filter((v): v is number => v !== undefined && !isNaN(v)));
  const format = (v: number | undefined) => (v === undefined ? "–" : v.toFixed(v >= 100 ? 0 : 2));
  const table = FIGURES.map((figure) => {
    const b = value(before, figure);
    const a = value(after, figure);
    // how many times worse after is than before (> 1 is worse), whichever way the figure points
    const worse = a === undefined || b === undefined ? undefined : figure.higherIsBetter ? b / a : a / b;
    const gate =
      figure.gate && a !== undefined ? `${figure.gate.label}: ${a <= figure.gate.max ? "met" : "NOT met"}` : "";
    const verdict = worse === undefined ? "" : worse <= 1.3 ? "ok" : "WORSE than 1.3×";
    return [figure.name, format(b), format(a), format(worse), verdict, gate];
  });
  const header = ["figure", "before", "after", "worse ×", "≤ 1.3×", "gate (after)"];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(" | ");
  print(`before: ${before.label}\nafter:  ${after.label}\nrounds: ${before.rounds.length} (medians)\n`);
  print(line(header));
  print(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const cells of table) print(line(cells));
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const before = checkout(options.before);
  const after = checkout(options.after);
  const server = await startEmbeddedPostgres({
    dataDir: path.join(ROOT, ".data", "bench-compare-postgres"),
    port: 5436,
  });
  const sides = [
    { ...before, rounds: [] as Row[][] },
    { ...after, rounds: [] as Row[][] },
  ];
  try {
    for (let round = 0; round < options.rounds; round++) {
      const rows: Row[][] = [[], []];
      sides[0].rounds.push(rows[0]);
      sides[1].rounds.push(rows[1]);
      const order = round % 2 ? [1, 0] : [0, 1];
      for (const scenario of options.scenarios) {
        for (const side of order) {
          console.error(`round ${round + 1}/${options.rounds}: ${scenario} on ${side ? "after" : "before"} …`);
          rows[side].push(...(await benchWithRetry(sides[side].dir, scenario, server.url)));
        }
        // the table so far, so an interrupted run still leaves its figures (on stderr; stdout gets the final one)
        report(sides, console.error);
      }
    }
  } finally {
    await server.stop();
  }
  report(sides);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
