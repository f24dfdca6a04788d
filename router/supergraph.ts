import fs from "node:fs";
import path from "node:path";
import { parse } from "graphql";
import { composeServices } from "@apollo/composition";

export const SUBGRAPH_NAMES = ["catalog", "orders", "warehouse"] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

const SCHEMA_DIR = path.resolve(__dirname, "..", "schema");
export const SUPERGRAPH_PATH = path.join(SCHEMA_DIR, "supergraph.graphql");

/** Default URLs written into the supergraph; the router overrides them from its config. */
const DEFAULT_URLS: Record<SubgraphName, string> = {
  catalog: "http://localhost:4001/graphql",
  orders: "http://localhost:4002/graphql",
  warehouse: "http://localhost:4003/graphql",
};

export type CompositionResult = { ok: true; supergraphSdl: string } | { ok: false; errors: string[] };

export function composeSupergraph(): CompositionResult {
  const result = composeServices(
    SUBGRAPH_NAMES.map((name) => ({
      name,
      url: DEFAULT_URLS[name],
      typeDefs: parse(fs.readFileSync(path.join(SCHEMA_DIR, `${name}.graphql`), "utf8")),
    })),
  );
  if (result.errors) return { ok: false, errors: result.errors.map((e) => e.message) };
  return { ok: true, supergraphSdl: result.supergraphSdl };
}

export function readSupergraph(): string {
  return fs.readFileSync(SUPERGRAPH_PATH, "utf8");
}
