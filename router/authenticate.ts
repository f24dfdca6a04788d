import { GraphQLError } from "graphql";
import type { Config } from "../core/config";
import { AuthError, bearerToken, verifyToken, type Viewer } from "../core/auth";
import type { UserAccess } from "./user-access";

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}

/** Verifies the bearer token of a request (signature, algorithm, expiry, claims); null when there is none. */
export function viewerFromAuthorization(header: string | undefined, config: Config): Viewer | null {
  try {
    const token = bearerToken(header);
    return token ? verifyToken(token, config.jwtSecrets) : null;
  } catch (error) {
    if (error instanceof AuthError) throw unauthenticated(error.message);
    throw error;
  }
}

/**
 * The router's (and the subscription server's) authentication: a valid token (signature,
 * claims) of an existing, active user of an existing shop, with that user's current role. The
 * catalog, which owns users, answers the second half (router/user-access.ts).
 */
export function createAuthenticator(config: Config, userAccess: UserAccess) {
  return async function authenticate(header: string | undefined): Promise<Viewer | null> {
    const viewer = viewerFromAuthorization(header, config);
    if (!viewer) return null;
    let access;
    try {
      access = await userAccess.access(viewer);
    } catch (error) {
      throw new GraphQLError("Sign-in cannot be checked right now, try again shortly", {
        extensions: { code: "SERVICE_UNAVAILABLE", http: { status: 503 } },
        originalError: error as Error,
      });
    }
    if (!access.shopExists) throw unauthenticated(`The token is for shop ${viewer.shopId}, which does not exist`);
    if (!access.active) throw unauthenticated("The token's user is not an active user of its shop; sign in again");
    if (access.role !== viewer.role)
      throw unauthenticated(`The token's role ${viewer.role} is no longer the user's role; sign in again`);
    return viewer;
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;
