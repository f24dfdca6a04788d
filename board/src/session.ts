/** The signed-in user and their token, kept in localStorage so a reloaded wall screen stays signed in. */
import type { SignInMutation } from "./__generated__/operations";

export type Session = SignInMutation["login"];

const KEY = "cvety.board.session";
/** Ask to sign in again this long before the token expires. */
export const RENEW_BEFORE_MS = 10 * 60_000;

export function loadSession(now = Date.now()): Session | null {
  try {
    const session = JSON.parse(localStorage.getItem(KEY) ?? "null") as Session | null;
    if (!session?.token || !session.user?.shop) return null;
    return Date.parse(session.expiresAt) > now ? session : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  localStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  localStorage.removeItem(KEY);
}

/** Same person in the same shop: the board they see can be kept and resumed. */
export function sameBoard(a: Session | null, b: Session | null): boolean {
  return !!a && !!b && a.user.id === b.user.id && a.user.shop.id === b.user.shop.id && a.user.role === b.user.role;
}

/**
 * Calls `renewSoon` when the token is about to expire and `expired` when it has: the page asks
 * to sign in again, and at expiry it closes its socket rather than keep a dead one open.
 * Returns a cancel function.
 */
export function watchExpiry(session: Session, handlers: { renewSoon(): void; expired(): void }): () => void {
  const expiresAt = Date.parse(session.expiresAt);
  const timers: number[] = [];
  // setTimeout's delay is a 32-bit integer: a far deadline is checked again later
  const at = (time: number, run: () => void) => {
    const schedule = () => {
      const left = time - Date.now();
      if (left <= 0) return run();
      timers.push(window.setTimeout(schedule, Math.min(left, 2 ** 31 - 1)));
    };
    schedule();
  };
  at(expiresAt - RENEW_BEFORE_MS, handlers.renewSoon);
  at(expiresAt, handlers.expired);
  return () => timers.forEach((timer) => clearTimeout(timer));
}
