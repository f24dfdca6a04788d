import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import type { Fetcher } from "@apollo/utils.fetcher";
import { GraphQLError } from "graphql";
import type { Config } from "../core/config";
import type { Viewer } from "../core/auth";
import { signViewer } from "../core/subgraph-signature";
import { readSupergraph, type SubgraphName } from "./supergraph";
import { createHttpClient } from "../core/http-client";

/** how long the router waits for one subgraph call */
const SUBGRAPH_TIMEOUT_MS = 30_000;

/** What the router knows about a request and forwards, signed, to subgraphs. */
export interface RouterContext {
  viewer: Viewer | null;
  requestId: string;
  /** the client's address (rate-limit key for sign-ins); absent for the router's own operations */
  clientIp?: string;
  /** the router's own operations (the board's events query): not a client's, so not limited as one */
  internal?: boolean;
}

class SigningDataSource extends RemoteGraphQLDataSource<RouterContext> {
  constructor(
    url: string,
    private readonly secret: string,
    fetcher: Fetcher,
  ) {
    super({ url, fetcher });
  }

  override willSendRequest({
    request,
    context,
  }: Parameters<NonNullable<RemoteGraphQLDataSource<RouterContext>["willSendRequest"]>>[0]) {
    const headers = signViewer(context?.viewer ?? null, context?.requestId ?? "", this.secret, context?.clientIp);
    for (const [name, value] of Object.entries(headers)) request.http?.headers.set(name, value);
  }

  /**
   * A subgraph answers 400 when a variable fails its scalar (e.g. a DateTime of "yesterday"), and
   * fails validation when a value written in the document does (the router's supergraph has no
   * scalar rules; the document passed everything else there): pass its message on as
   * BAD_USER_INPUT instead of a bare "400: Bad Request" that would be masked.
   */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource["errorFromResponse"]>[0]) {
    const error = await super.errorFromResponse(response);
    const body = (
      error.extensions?.response as
        { body?: { errors?: { message?: unknown; extensions?: { code?: unknown } }[] } } | undefined
    )?.body;
    const first = body?.errors?.[0];
    const code = first?.extensions?.code;
    const refused = code === "BAD_USER_INPUT" || code === "GRAPHQL_VALIDATION_FAILED";
    if (response.status === 400 && refused && typeof first?.message === "string") {
      return new GraphQLError(first.message, { extensions: { code: "BAD_USER_INPUT" } });
    }
    return error;
  }
}

/** The gateway over the composed supergraph file; no runtime introspection of subgraphs. */
export function createGateway(config: Config): { gateway: ApolloGateway; closeConnections(): void } {
  const fetcher = createHttpClient({ timeoutMs: SUBGRAPH_TIMEOUT_MS });
  const gateway = new ApolloGateway({
    supergraphSdl: readSupergraph(),
    buildService: ({ name, url }) =>
      new SigningDataSource(config.subgraphUrls[name as SubgraphName] ?? url!, config.subgraphSecret, fetcher),
  });
  return { gateway, closeConnections: () => fetcher.close() };
}
