import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { loadConfig } from "../core/config";
import { SUBGRAPHS } from "../app/stack";

/**
 * No Docker engine runs here, so docker-compose.yml is checked by reading it: every service,
 * port and variable must match what the code reads and listens on.
 */
const ROOT = path.resolve(__dirname, "..");
const compose = parse(fs.readFileSync(path.join(ROOT, "docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, { command?: string[]; environment?: Record<string, string>; ports?: string[]; expose?: string[]; healthcheck?: { test: string[] }; depends_on?: Record<string, { condition: string }>; build?: string }>;
};
const services = compose.services;
const APP_SERVICES = ["migrate", "catalog", "orders", "warehouse", "router", "workers"];
const CONTRACT_ENV = ["DATABASE_URL", "PORT", "JWT_SECRET", "WEBHOOK_SECRET", "BITRIX_SHOP_ID", "BITRIX_BASE_URL", "BITRIX_API_TOKEN", "CORS_ORIGINS", "LOG_LEVEL", "NODE_ENV"];

/** Every environment variable name the application code reads. */
function variablesReadByCode(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (["node_modules", ".data", "generated", "__generated__", "test", "bench"].includes(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
        const text = fs.readFileSync(full, "utf8");
        for (const match of text.matchAll(/env\.([A-Z][A-Z0-9_]+)|env\[["']([A-Z][A-Z0-9_]+)["']\]|env, ["']([A-Z][A-Z0-9_]+)["']|\["([A-Z][A-Z0-9_]+)", "([A-Z][A-Z0-9_]+)"\]/g)) {
          for (const name of match.slice(1)) if (name) names.add(name);
        }
      }
    }
  };
  for (const dir of ["core", "app", "router", "subgraphs", "scripts"]) walk(path.join(ROOT, dir));
  return names;
}

it("has PostgreSQL, the migration, the three subgraphs, the router and the workers", () => {
  expect(Object.keys(services).sort()).toEqual(["catalog", "migrate", "orders", "postgres", "router", "warehouse", "workers"]);
  expect(Object.keys(SUBGRAPHS).sort()).toEqual(["catalog", "orders", "warehouse"]);
});

it("runs each part with the command the code knows", () => {
  for (const name of APP_SERVICES) {
    expect(services[name].build).toBe(".");
    expect(services[name].command).toEqual(["npx", "tsx", "scripts/serve.ts", name]);
  }
  expect(fs.readFileSync(path.join(ROOT, "scripts", "serve.ts"), "utf8")).toMatch(/PARTS = \["catalog", "orders", "warehouse", "router", "workers", "migrate"\]/);
  expect(fs.existsSync(path.join(ROOT, "Dockerfile"))).toBe(true);
});

it("uses only variables the code reads, and the router gets every variable of the contract", () => {
  const known = variablesReadByCode();
  for (const name of APP_SERVICES) {
    for (const variable of Object.keys(services[name].environment ?? {})) {
      expect({ service: name, variable, known: known.has(variable) }).toEqual({ service: name, variable, known: true });
    }
  }
  for (const variable of CONTRACT_ENV) expect(Object.keys(services.router.environment!)).toContain(variable);
});

it("gives every part the same database and the same secrets, production mode included", () => {
  const shared = ["DATABASE_URL", "JWT_SECRET", "WEBHOOK_SECRET", "SUBGRAPH_SECRET", "APP_DATABASE_PASSWORD", "NODE_ENV"];
  for (const variable of shared) {
    const values = new Set(APP_SERVICES.map((name) => services[name].environment?.[variable]));
    expect({ variable, values: [...values].length }).toEqual({ variable, values: 1 });
  }
  expect(services.router.environment!.NODE_ENV).toBe("production");
  // production needs the application role's password as a secret of its own (core/config.ts)
  expect(services.router.environment!.APP_DATABASE_PASSWORD).toBe("${APP_DATABASE_PASSWORD:?set APP_DATABASE_PASSWORD}");
  expect(services.router.environment!.DATABASE_URL).toMatch(/@postgres:5432\//);
});

it("listens where the router looks: subgraph ports match the code's defaults and the router's URLs", () => {
  const defaults = loadConfig({});
  const portVariable = { catalog: "CATALOG_PORT", orders: "ORDERS_PORT", warehouse: "WAREHOUSE_PORT" } as const;
  const urlVariable = { catalog: "CATALOG_URL", orders: "ORDERS_URL", warehouse: "WAREHOUSE_URL" } as const;
  for (const name of ["catalog", "orders", "warehouse"] as const) {
    const port = services[name].environment![portVariable[name]];
    expect(Number(port)).toBe(defaults.subgraphPorts[name]);
    expect(services[name].expose).toContain(port);
    expect(services.router.environment![urlVariable[name]]).toBe(`http://${name}:${port}/graphql`);
  }
  expect(defaults.port).toBe(4000);
  expect(services.router.environment!.PORT).toBe("4000");
  expect(services.router.ports).toEqual(["${PORT:-4000}:4000"]);
});

it("runs the background workers on their own, with the Bitrix settings and a health check on the port the code listens on", () => {
  const defaults = loadConfig({});
  expect(services.workers.environment!.WORKERS_PORT).toBe(String(defaults.workersPort));
  expect(services.workers.expose).toContain(String(defaults.workersPort));
  expect(services.workers.healthcheck!.test.join(" ")).toContain(`localhost:${defaults.workersPort}/health`);
  for (const variable of ["BITRIX_SHOP_ID", "BITRIX_BASE_URL", "BITRIX_API_TOKEN"]) {
    expect(services.workers.environment![variable]).toBe(services.router.environment![variable]);
  }
  expect(services.workers.depends_on).toEqual({ migrate: { condition: "service_completed_successfully" } });
});

it("has a health check on every long-running service and starts them in order", () => {
  for (const name of ["postgres", "catalog", "orders", "warehouse", "router", "workers"]) expect(services[name].healthcheck?.test.length).toBeGreaterThan(0);
  expect(services.router.healthcheck!.test.join(" ")).toMatch(/localhost:4000\/ready/);
  expect(services.migrate.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
  for (const name of ["catalog", "orders", "warehouse"]) {
    expect(services[name].depends_on).toEqual({ migrate: { condition: "service_completed_successfully" } });
    expect(services[name].healthcheck!.test.join(" ")).toMatch(/\/health/);
    expect(services.router.depends_on![name]).toEqual({ condition: "service_healthy" });
  }
});
