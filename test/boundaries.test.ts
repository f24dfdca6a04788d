import fs from "node:fs";
import path from "node:path";
import type { Config } from "../core/config";
import type { Database } from "../core/db";
import { createLogger } from "../core/logger";
import { WEBHOOKS } from "../router/webhooks";
import { DELIVERIES_HOST } from "../router/webhooks/deliveries";
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

it("every webhook route names an internal operation its subgraph serves", async () => {
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
});
