import type WebSocket from "ws";
import { GraphQLError } from "graphql";
import type { Viewer } from "../../core/auth";
import { ErrorCode } from "../../core/errors";
import type { Logger } from "../../core/logger";
import type { Authenticate } from "../authenticate";
import { CLOSE_UNAUTHORIZED } from "./socket-hooks";

interface SignedIn {
  authorization: string;
  socket: WebSocket;
}

/**
 * The board's open sockets by user. A socket's token is checked at connection_init; when that
 * user's access changes later (deactivated, another role: router/user-access.ts notifies), its
 * sockets are checked again by the router's one rule and closed with 4401 when the token no longer
 * holds, so a deactivated courier's phone stops receiving the shop's orders at once. The page
 * answers 4401 by asking to sign in again.
 */
export class SignedInSockets {
  private readonly byUser = new Map<string, Set<SignedIn>>();

  constructor(
    private readonly authenticate: Authenticate,
    private readonly logger: Logger,
  ) {}

  add(viewer: Viewer, authorization: string, socket: WebSocket): void {
    const key = `${viewer.shopId}:${viewer.userId}`;
    const entry = { authorization, socket };
    const sockets = this.byUser.get(key) ?? new Set<SignedIn>();
    sockets.add(entry);
    this.byUser.set(key, sockets);
    socket.once("close", () => {
      sockets.delete(entry);
      if (sockets.size === 0 && this.byUser.get(key) === sockets) this.byUser.delete(key);
    });
  }

  /** `key` is `<shop>:<user>`, as the access notification carries it. */
  async recheck(key: string): Promise<void> {
    for (const entry of [...(this.byUser.get(key) ?? [])]) {
      try {
        await this.authenticate(entry.authorization);
      } catch (error) {
        // refused: close; the check itself unavailable: keep the socket, the next change rechecks
        if (!(error instanceof GraphQLError) || error.extensions.code !== ErrorCode.UNAUTHENTICATED) {
          this.logger.warn({ err: (error as Error).message }, "could not recheck a board socket's access");
          continue;
        }
        entry.socket.close(CLOSE_UNAUTHORIZED, error.message.slice(0, 120));
      }
    }
  }

  get size(): number {
    let count = 0;
    for (const sockets of this.byUser.values()) count += sockets.size;
    return count;
  }
}
