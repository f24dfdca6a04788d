/**
 * Composes the supergraph from the subgraph SDLs with Apollo's composition and writes
 * schema/supergraph.graphql. `--check` fails instead when the file on disk is stale.
 */
import fs from "node:fs";
import path from "node:path";
import { composeSupergraph, SUPERGRAPH_PATH } from "../router/supergraph";

const check = process.argv.includes("--check");
const result = composeSupergraph();
if (!result.ok) {
  console.error(`Composition failed:\n${result.errors.join("\n")}`);
  process.exit(1);
}
const current = fs.existsSync(SUPERGRAPH_PATH) ? fs.readFileSync(SUPERGRAPH_PATH, "utf8") : "";
if (check) {
  if (current !== result.supergraphSdl) {
    console.error(`${path.relative(process.cwd(), SUPERGRAPH_PATH)} is stale: run npm run compose`);
    process.exit(1);
  }
  console.log("supergraph.graphql is up to date");
} else {
  fs.writeFileSync(SUPERGRAPH_PATH, result.supergraphSdl);
  console.log(`wrote ${path.relative(process.cwd(), SUPERGRAPH_PATH)}`);
}
