import fs from "node:fs";
import path from "node:path";
import type { Config } from "../core/config";
import type { Database } from "../core/db";
import { createLogger } from "../core/logger";
import { WEBHOOKS } from "../router/webhooks";
import { DELIVERIES_HOST } from "../router/webhooks/deliveries";
import { FEED_HOST } from "../router/subscriptions/feed";
import { SUBGRAPHS } from "../app/stack";

/** The router routes: it holds no subgraph's code, only the names of their internal operations. */

const ROOT = path.resolve(__dirname, "..");
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|js|mjs|cjs)$/.test(entry.name) ? [full] : [];
  });
}

/** Imports of `file` that resolve into subgraphs/. */
export function subgraphImports(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  return [...text.matchAll(IMPORT)]
    .map((match) => match[1])
    .filter((specifier) => specifier.startsWith("."))
    .filter(
      (specifier) =>
        path.relative(ROOT, path.resolve(path.dirname(file), specifier)).split(path.sep)[0] === "subgraphs",
    );
}

it("no file of the router (tests included) imports from subgraphs/", () => {
  const offenders = sourceFiles(path.join(ROOT, "router")).flatMap((file) =>
    subgraphImports(file).map((spec) => `${path.relative(ROOT, file)}: ${spec}`),
  );
  expect(offenders).toEqual([]);
});

it("the check sees an import into subgraphs/ in every form it can take", () => {
  const probe = path.join(ROOT, "router", "__boundary_probe__.ts");
  fs.writeFileSync(
    probe,
    [
      `import { a } from "../subgraphs/orders/lifecycle";`,
      `import type { B } from '../subgraphs/catalog';`,
      `const c = require("../subgraphs/warehouse/stock");`,
      `const d = await import("../subgraphs/orders");`,
      `import "../subgraphs/orders/side-effect";`,
      `import { e } from "../core/db";`,
    ].join("\n"),
  );
  try {
    expect(subgraphImports(probe)).toEqual([
      "../subgraphs/orders/lifecycle",
      "../subgraphs/catalog",
      "../subgraphs/warehouse/stock",
      "../subgraphs/orders",
      "../subgraphs/orders/side-effect",
    ]);
  } finally {
    fs.unlinkSync(probe);
  }
});

/** The tables of the schema (prisma/schema.prisma's @@map names): all of them belong to subgraphs. */
function subgraphTables(): string[] {
  const schema = fs.readFileSync(path.join(ROOT, "prisma", "schema.prisma"), "utf8");
  return [...schema.matchAll(/@@map\("([^"]+)"\)/g)].map((match) => match[1]);
}

/** SQL in `text` (comments left out) that reads or writes one of `tables`. */
export function tableSql(text: string, tables: string[]): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const names = tables.map((name) => name.replace(/[^a-z0-9_]/g, "")).join("|");
  const statement = new RegExp(
    `\\b(?:from|join|into|update|copy|truncate|table)\\s+(?:"?public"?\\.)?"?(?:${names})"?(?![\\w$])`,
    "gi",
  );
  return [...code.matchAll(statement)].map((match) => match[0]);
}

/** The files `files` import, transitively, within the repository (generated clients left out). */
function reachedFiles(files: string[]): string[] {
  const seen = new Set<string>();
  const queue = [...files];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, specifier] of fs.readFileSync(file, "utf8").matchAll(IMPORT)) {
      if (!specifier.startsWith(".") || specifier.includes("generated")) continue;
      const base = path.resolve(path.dirname(file), specifier);
      const found = [`${base}.ts`, path.join(base, "index.ts"), base].find((candidate) =>
        fs.statSync(candidate, { throwIfNoEntry: false })?.isFile(),
      );
      if (found) queue.push(found);
    }
  }
  return [...seen];
}

it("no source file of the router, nor any file it imports, holds SQL of a subgraph's tables", () => {
  const tables = subgraphTables();
  expect(tables).toEqual(expect.arrayContaining(["order", "order_history", "product", "warehouse_item"]));
  const routerFiles = sourceFiles(path.join(ROOT, "router")).filter((file) => !/\.test\.ts$/.test(file));
  const reached = reachedFiles(routerFiles);
  expect(reached).toEqual(expect.arrayContaining([path.join(ROOT, "core", "status-feed.ts")]));
  const offenders = reached.flatMap((file) =>
    tableSql(fs.readFileSync(file, "utf8"), tables).map((sql) => `${path.relative(ROOT, file)}: ${sql}`),
  );
  expect(offenders).toEqual([]);
});

it("the SQL check sees a statement on a subgraph's table in the forms it takes", () => {
  const tables = subgraphTables();
  const found = tableSql(
    [
      "sql`select h.id from order_history h where h.shop_id = $1`;",
      'await client.query(`update "order" set status = $1`);',
      "const q = 'insert into public.product (name) values ($1)';",
      "const j = `select 1 from shop s join order_item i on true`;",
      "// the hub used to read from order_history itself",
      "/* delete from warehouse_item */",
      "const note = 'an order from the shop';",
    ].join("\n"),
    tables,
  );
  expect(found).toEqual([
    "from order_history",
    'update "order"',
    "into public.product",
    "from shop",
    "join order_item",
  ]);
});

it("every webhook route, the deliveries admin and the board's feed name internal operations their subgraph serves", async () => {
  const config = { bitrixShopId: 17008 } as Config;
  const deps = { config, db: {} as Database, logger: createLogger("silent") };
  for (const [endpoint, route] of Object.entries(WEBHOOKS)) {
    const factory = SUBGRAPHS[route.subgraph].internalOperations;
    expect(factory).toBeDefined();
    const operations = factory!(deps);
    expect({ endpoint, served: Object.keys(operations.handlers) }).toEqual({
      endpoint,
      served: expect.arrayContaining([route.operation]),
    });
    await operations.stop?.();
  }
  const host = SUBGRAPHS[DELIVERIES_HOST.subgraph].internalOperations!(deps);
  expect(Object.keys(host.handlers)).toEqual(expect.arrayContaining([DELIVERIES_HOST.list, DELIVERIES_HOST.get]));
  await host.stop?.();
  const feed = SUBGRAPHS[FEED_HOST.subgraph].internalOperations!(deps);
  expect(Object.keys(feed.handlers)).toEqual(
    expect.arrayContaining([FEED_HOST.page, FEED_HOST.position, FEED_HOST.head, FEED_HOST.holder]),
  );
  await feed.stop?.();
});
