import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import type { Config } from "../core/config";
import type { Viewer } from "../core/auth";
import { signViewer } from "../core/subgraph-signature";
import { readSupergraph, type SubgraphName } from "./supergraph";

/** What the router knows about a request and forwards, signed, to subgraphs. */
export interface RouterContext {
  viewer: Viewer | null;
  requestId: string;
}

class SigningDataSource extends RemoteGraphQLDataSource<RouterContext> {
  constructor(url: string, private readonly secret: string) {
    // Node's own fetch (undici, keep-alive pooling) instead of the default make-fetch-happen
    super({ url, fetcher: fetch as never });
  }

  override willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<RouterContext>["willSendRequest"]>>[0]) {
    const headers = signViewer(context?.viewer ?? null, context?.requestId ?? "", this.secret);
    for (const [name, value] of Object.entries(headers)) request.http?.headers.set(name, value);
  }
}

/** The gateway over the composed supergraph file; no runtime introspection of subgraphs. */
export function createGateway(config: Config): ApolloGateway {
  return new ApolloGateway({
    supergraphSdl: readSupergraph(),
    buildService: ({ name, url }) =>
      new SigningDataSource(config.subgraphUrls[name as SubgraphName] ?? url!, config.subgraphSecret),
  });
}
