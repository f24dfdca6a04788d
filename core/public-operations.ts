import type { ApolloServerPlugin } from "@apollo/server";
import { Kind, type OperationDefinitionNode } from "graphql";
import type { Viewer } from "./auth";
import { unauthenticated, withHttpStatus } from "./errors";

/** Root fields an anonymous caller may use; everything else needs a verified viewer. */
export const PUBLIC_ROOT_FIELDS = new Set(["__typename", "__schema", "__type", "_service", "login", "setPassword"]);

export function isPublicOperation(operation: OperationDefinitionNode | undefined): boolean {
  if (!operation) return true;
  return operation.selectionSet.selections.every(
    (selection) => selection.kind === Kind.FIELD && PUBLIC_ROOT_FIELDS.has(selection.name.value),
  );
}

/**
 * Refuses anonymous callers for every root field but the public ones, before anything
 * resolves. The router runs it (fail fast) and so does every subgraph (the wall).
 */
export const requireViewerPlugin: ApolloServerPlugin<{ viewer: Viewer | null }> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, contextValue }) {
        // thrown before execution: without an http status Apollo would answer 500
        if (!contextValue.viewer && !isPublicOperation(operation)) throw withHttpStatus(unauthenticated(), 401);
      },
    };
  },
};
