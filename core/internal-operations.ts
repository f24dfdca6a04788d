import type { Config } from "./config";
import type { Database } from "./db";
import type { Logger } from "./logger";
import type { Viewer } from "./auth";
import { createHttpClient } from "./http-client";
import { signViewer } from "./subgraph-signature";

/**
 * Internal operations: what a subgraph does for the router outside GraphQL (a Bitrix webhook,
 * the stored-deliveries admin). The router calls `POST <subgraph origin>/internal/<name>` with
 * a JSON input, signed like a GraphQL call (core/subgraph-signature.ts), and gets back an
 * envelope `{ status, body, deliveryId? }`: `status`/`body` are what the REST shim answers its
 * own caller. The subgraph owns the rules and the SQL; the router only routes.
 */
export const INTERNAL_PATH_PREFIX = "/internal/";

export interface InternalAnswer {
  /** the HTTP status the REST shim answers with */
  status: number;
  body: Record<string, unknown>;
  /** a stored webhook delivery's id, when the operation recorded one and was asked to wait for it */
  deliveryId?: number | null;
}

export interface InternalContext {
  viewer: Viewer | null;
  requestId: string;
  config: Config;
  db: Database;
  logger: Logger;
}

export type InternalOperation = (input: unknown, context: InternalContext) => Promise<InternalAnswer>;

/** A subgraph's internal operations, built once per process (they may batch across calls). */
export interface InternalOperations {
  handlers: Readonly<Record<string, InternalOperation>>;
  /** writes whatever is pending (group commits); called when the subgraph stops */
  stop?(): Promise<void>;
}

export type InternalOperationsFactory = (deps: { config: Config; db: Database; logger: Logger }) => InternalOperations;

export type SubgraphName = keyof Config["subgraphUrls"];

/** The subgraph could not be reached or failed outside its operation; the REST shim answers 503. */
export class SubgraphUnavailableError extends Error {}

/** The router's side: one keep-alive client for every internal call. */
export interface InternalClient {
  call(
    subgraph: SubgraphName,
    operation: string,
    input: unknown,
    caller?: { viewer?: Viewer | null; requestId?: string },
  ): Promise<InternalAnswer>;
  close(): void;
}

export function internalOperationUrl(graphqlUrl: string, operation: string): string {
  return new URL(`${INTERNAL_PATH_PREFIX}${operation}`, graphqlUrl).toString();
}

export function createInternalClient(config: Config, options: { timeoutMs: number }): InternalClient {
  const fetcher = createHttpClient({ timeoutMs: options.timeoutMs });
  return {
    async call(subgraph, operation, input, caller = {}) {
      const headers = {
        "content-type": "application/json",
        ...signViewer(caller.viewer ?? null, caller.requestId ?? "", config.subgraphSecret),
      };
      const body = JSON.stringify(input);
      let response;
      try {
        response = await fetcher(internalOperationUrl(config.subgraphUrls[subgraph], operation), {
          method: "POST",
          headers,
          body,
        });
      } catch (error) {
        throw new SubgraphUnavailableError(`The ${subgraph} service did not answer: ${(error as Error).message}`);
      }
      const text = await response.text();
      if (response.status !== 200)
        throw new SubgraphUnavailableError(
          `The ${subgraph} service answered ${response.status} to ${operation}: ${text.slice(0, 200)}`,
        );
      return JSON.parse(text) as InternalAnswer;
    },
    close: () => fetcher.close(),
  };
}
