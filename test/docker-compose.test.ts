import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { parse } from "yaml";
import { loadConfig } from "../core/config";
import { SUBGRAPHS } from "../app/stack";

/**
 * No Docker engine runs here, so docker-compose.yml is checked by reading it: every service,
 * port and variable must match what the code reads and listens on.
 */
const ROOT = path.resolve(__dirname, "..");
const compose = parse(fs.readFileSync(path.join(ROOT, "docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<
    string,
    {
      command?: string[];
      environment?: Record<string, string>;
      ports?: string[];
      expose?: string[];
      healthcheck?: { test: string[] };
      depends_on?: Record<string, { condition: string }>;
      build?: string;
      networks?: string[];
      deploy?: { replicas?: number };
      image?: string;
      volumes?: string[];
      user?: string;
      stop_grace_period?: string;
    }
  >;
  networks: Record<string, { internal?: boolean } | null>;
};
const services = compose.services;
const APP_SERVICES = ["migrate", "catalog", "orders", "warehouse", "router", "workers"];
const CONTRACT_ENV = [
  "DATABASE_URL",
  "PORT",
  "JWT_SECRET",
  "WEBHOOK_SECRET",
  "BITRIX_SHOP_ID",
  "BITRIX_BASE_URL",
  "BITRIX_API_TOKEN",
  "CORS_ORIGINS",
  "LOG_LEVEL",
  "NODE_ENV",
];

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
        for (const match of text.matchAll(
          /env\.([A-Z][A-Z0-9_]+)|env\[["']([A-Z][A-Z0-9_]+)["']\]|env, ["']([A-Z][A-Z0-9_]+)["']|\["([A-Z][A-Z0-9_]+)", "([A-Z][A-Z0-9_]+)"\]/g,
        )) {
          for (const name of match.slice(1)) if (name) names.add(name);
        }
      }
    }
  };
  for (const dir of ["core", "app", "router", "subgraphs", "scripts"]) walk(path.join(ROOT, dir));
  return names;
}

it("has PostgreSQL, the migration, the three subgraphs, the router and the workers", () => {
  expect(Object.keys(services).sort()).toEqual(
    expect.arrayContaining(["catalog", "migrate", "orders", "postgres", "proxy", "router", "warehouse", "workers"]),
  );
  expect(Object.keys(SUBGRAPHS).sort()).toEqual(["catalog", "orders", "warehouse"]);
});

it("runs each part with the command the code knows", () => {
  for (const name of APP_SERVICES) {
    expect(services[name].build).toBe(".");
    expect(services[name].command).toEqual(["node", "dist/serve.js", name]);
  }
  expect(fs.readFileSync(path.join(ROOT, "scripts", "serve.ts"), "utf8")).toMatch(
    /PARTS = \["catalog", "orders", "warehouse", "router", "workers", "migrate"\]/,
  );
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
  const shared = [
    "DATABASE_URL",
    "JWT_SECRET",
    "WEBHOOK_SECRET",
    "SUBGRAPH_SECRET",
    "APP_DATABASE_PASSWORD",
    "NODE_ENV",
  ];
  for (const variable of shared) {
    const values = new Set(APP_SERVICES.map((name) => services[name].environment?.[variable]));
    expect({ variable, values: [...values].length }).toEqual({ variable, values: 1 });
  }
  expect(services.router.environment!.NODE_ENV).toBe("production");
  // production needs the application role's password as a secret of its own (core/config.ts)
  expect(services.router.environment!.APP_DATABASE_PASSWORD).toBe(
    "${APP_DATABASE_PASSWORD:?set APP_DATABASE_PASSWORD}",
  );
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
  // the public port is the proxy's; the replicas publish none
  expect(services.router.ports).toBeUndefined();
  expect(services.proxy.ports).toEqual(["${PORT:-4000}:8080"]);
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
  for (const name of ["postgres", "catalog", "orders", "warehouse", "router", "workers"])
    expect(services[name].healthcheck?.test.length).toBeGreaterThan(0);
  expect(services.router.healthcheck!.test.join(" ")).toMatch(/localhost:4000\/ready/);
  expect(services.migrate.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
  for (const name of ["catalog", "orders", "warehouse"]) {
    expect(services[name].depends_on).toEqual({ migrate: { condition: "service_completed_successfully" } });
    expect(services[name].healthcheck!.test.join(" ")).toMatch(/\/health/);
    expect(services.router.depends_on![name]).toEqual({ condition: "service_healthy" });
  }
});

it("builds a production image: JavaScript from a multi-stage build, dev dependencies pruned, a non-root user", () => {
  const dockerfile = fs.readFileSync(path.join(ROOT, "Dockerfile"), "utf8");
  const stages = dockerfile.split(/^FROM /m).slice(1);
  expect(stages).toHaveLength(2);
  expect(stages[0]).toMatch(/RUN npm ci[^\n]*--include=dev/);
  expect(stages[0]).toMatch(/npm run build && npm prune --omit=dev/);
  const runtime = stages[1];
  expect(runtime).toMatch(/^USER node$/m);
  expect(runtime).not.toMatch(/npm (ci|install)|tsx/);
  expect(runtime).toMatch(/^CMD \["node", "--enable-source-maps", "dist\/serve\.js", "router"\]$/m);
  // what the bundle reads beside itself at run time is in the image
  for (const folder of ["schema", "prisma", "board", "dist", "node_modules"])
    expect(runtime).toContain(`/app/${folder} ./${folder}`);
  const build = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts.build as string;
  expect(build).toMatch(
    /^esbuild scripts\/serve\.ts --bundle --platform=node .*--packages=external .*--outfile=dist\/serve\.js/,
  );
  expect(fs.readFileSync(path.join(ROOT, ".dockerignore"), "utf8")).toMatch(/^node_modules$/m);
});

it("keeps PostgreSQL and the subgraphs on an internal network with no published port", () => {
  expect(compose.networks.backend).toEqual({ internal: true });
  expect(services.postgres.ports).toBeUndefined();
  expect(services.postgres.networks).toEqual(["backend"]);
  for (const name of ["migrate", "catalog", "orders", "warehouse"])
    expect(services[name].networks).toEqual(["backend"]);
  // only the proxy, the routers and the workers (Bitrix) reach beyond it
  expect(services.router.networks).toEqual(["backend", "frontend"]);
  expect(services.proxy.networks).toEqual(["frontend"]);
  const published = Object.entries(services)
    .filter(([, service]) => service.ports?.length)
    .map(([name]) => name);
  expect(published).toEqual(["proxy"]);
});

it("runs two router replicas behind a proxy that checks their /ready and hands a refused connection to the other replica", () => {
  expect(services.router.deploy?.replicas).toBe(2);
  expect(services.proxy.depends_on).toEqual({ router: { condition: "service_healthy" } });
  expect(services.proxy.healthcheck!.test.join(" ")).toMatch(/\/ready/);
  expect(services.proxy.volumes).toContain("./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro");
  const haproxy = fs.readFileSync(path.join(ROOT, "deploy", "haproxy.cfg"), "utf8");
  expect(haproxy).toMatch(/server-template router 2 router:4000 check inter 1s fall 1 .*resolvers docker/);
  // a replica answering /ready 503 (draining) is out of rotation within a second, well inside DRAIN_DELAY_MS
  expect(haproxy).toMatch(/option httpchk GET \/ready/);
  expect(haproxy).toMatch(/retry-on conn-failure\n/); // a POST already sent is never sent twice
  expect(haproxy).toMatch(/bind :8080/);
  const production = { NODE_ENV: "production", JWT_SECRET: "k".repeat(32), WEBHOOK_SECRET: "w" };
  expect(loadConfig({ ...production, APP_DATABASE_PASSWORD: "p" }).drainDelayMs).toBeGreaterThanOrEqual(3_000);
  // the router's drain (delay + 30 s) ends before docker's SIGKILL
  expect(services.router.stop_grace_period).toBe("40s");
});

it("has a proxy configuration HAProxy accepts", () => {
  const checked = spawnSync("haproxy", ["-c", "-f", path.join(ROOT, "deploy", "haproxy.cfg")], { encoding: "utf8" });
  expect(checked.error?.message ?? checked.stdout + checked.stderr).toMatch(/Configuration file is valid/);
  expect(checked.status).toBe(0);
});
