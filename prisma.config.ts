import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

// The schema's `env("DATABASE_URL")` must resolve even for commands that never connect
// (generate, migrate diff); without it the CLI falls back to fetching native engines.
process.env.DATABASE_URL ??= "postgresql://localhost:5432/placeholder";

type ScriptRunner = {
  executeScript(script: string): Promise<void>;
  client: { query(sql: string): Promise<unknown> };
  onError(error: unknown): never;
};

/**
 * The pg adapter runs a migration by splitting it on every ";", which breaks function
 * bodies ($$ … ; … $$) and comments. Send each migration whole instead: PostgreSQL's simple
 * query protocol runs a multi-statement script as one implicit transaction.
 */
function wholeScriptAdapter(factory: PrismaPg): PrismaPg {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = (await connect()) as unknown as ScriptRunner;
    adapter.executeScript = async (script: string) => {
      try {
        await adapter.client.query(script);
      } catch (error) {
        adapter.onError(error);
      }
    };
    return adapter as never;
  };
  return factory;
}

// Rust-free Prisma: the query compiler is WebAssembly and migrations run through the
// pg adapter, so nothing is downloaded at install or start.
export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    return wholeScriptAdapter(new PrismaPg({ connectionString: process.env.DATABASE_URL! }));
  },
});
