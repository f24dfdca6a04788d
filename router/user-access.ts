import crypto from "node:crypto";
import type { Config } from "../core/config";
import type { Viewer, Role } from "../core/auth";
import type { Logger } from "../core/logger";
import { signViewer } from "../core/subgraph-signature";
import { PgListener } from "../core/pg-listener";

/** The channel the app_user trigger notifies on (migration 20261207000500_staff_users). */
export const USER_ACCESS_CHANNEL = "cvety_user_access";
/** how long an answer is trusted while the listener is up (a change notifies sooner) */
const CACHE_MS = 5 * 60_000;
const MAX_CACHED = 10_000;
const QUERY = "query ViewerAccess { viewerAccess { shopExists active role } }";

export interface Access {
  shopExists: boolean;
  active: boolean;
  role: Role | null;
}

/**
 * Whether a verified token's user may still act: it exists, is active and still has the
 * token's role (CONTRACT.md: revocation needs no new claim). The catalog subgraph owns users,
 * so the router asks it (`viewerAccess`, a signed operation hidden from the public API) and
 * keeps the answer while it listens on USER_ACCESS_CHANNEL: every change of a user's role or
 * activity notifies at commit and drops that user's answer, so a deactivation takes effect on
 * the next request. While the listener is down nothing is cached; every request asks.
 */
export class UserAccess {
  private readonly cache = new Map<string, { access: Access; until: number }>();
  /** asks under way, shared by the requests of one token that arrive together */
  private readonly asking = new Map<string, Promise<Access>>();
  /** bumped by every notification: an answer fetched across one is not kept */
  private generation = 0;
  private listening = false;
  private readonly listener: PgListener;
  private readonly changeListeners = new Set<(key: string) => void>();

  constructor(
    private readonly deps: { config: Config; connectionString: string; logger: Logger; fetch?: typeof fetch },
  ) {
    this.listener = new PgListener({
      connectionString: deps.connectionString,
      applicationName: "cvety-user-access",
      channels: [USER_ACCESS_CHANNEL],
      logger: deps.logger,
      lostMessage: "user access listener lost; every request asks the catalog until it is back",
      onNotification: (_channel, payload) => this.forget(payload),
      onListening: () => (this.listening = true),
      onLost: () => {
        this.listening = false;
        this.forget(undefined);
      },
    });
  }

  start(): void {
    this.listener.start();
  }

  async access(viewer: Viewer): Promise<Access> {
    const key = `${viewer.shopId}:${viewer.userId}`;
    const cached = this.cache.get(key);
    if (cached && this.listening && cached.until > Date.now()) return cached.access;
    const generation = this.generation;
    // an ask started before a notification is not shared with requests that came after it
    const flight = `${generation}:${key}`;
    let asking = this.asking.get(flight);
    if (!asking) {
      asking = this.ask(viewer).finally(() => this.asking.delete(flight));
      this.asking.set(flight, asking);
    }
    const access = await asking;
    if (this.listening && generation === this.generation) {
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(key, { access, until: Date.now() + CACHE_MS });
    }
    return access;
  }

  private async ask(viewer: Viewer): Promise<Access> {
    const headers = signViewer(viewer, crypto.randomUUID(), this.deps.config.subgraphSecret);
    const response = await (this.deps.fetch ?? fetch)(this.deps.config.subgraphUrls.catalog, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query: QUERY }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as {
      data?: { viewerAccess?: Access };
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    const access = body.data?.viewerAccess;
    if (!access) {
      const error = body.errors?.[0];
      throw Object.assign(new Error(`the catalog did not answer viewerAccess: ${error?.message ?? response.status}`), {
        code: error?.extensions?.code,
      });
    }
    return access;
  }

  /** Calls `listener` with `<shop>:<user>` after each notified change of that user's access. */
  onChange(listener: (key: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private forget(payload: string | undefined): void {
    this.generation += 1;
    if (payload) this.cache.delete(payload);
    else this.cache.clear();
    if (payload) for (const listener of this.changeListeners) listener(payload);
  }

  async stop(): Promise<void> {
    this.listening = false;
    await this.listener.stop();
  }
}
