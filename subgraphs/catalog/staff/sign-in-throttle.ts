import type pg from "pg";
import { GraphQLError } from "graphql";
import { ErrorCode } from "../../../core/errors";

/**
 * Sign-in slows down as failures add up, per e-mail (someone guessing one account's password)
 * and per client address (someone trying many accounts). The first failures are free; after
 * them each further attempt must wait twice as long as the one before (1 s, 2 s, 4 s … up to
 * 15 minutes) since the last failure. A key's failures are forgotten 15 minutes after its last
 * one, and an e-mail's at a successful sign-in. Counted in PostgreSQL, so every catalog
 * process and a restart see the same counts. The answer is the same whether the e-mail exists.
 */
const FREE_FAILURES = { email: 10, ip: 50 } as const;
const MAX_DELAY_SECONDS = 15 * 60;
const FORGET_AFTER = "15 minutes";

type Kind = keyof typeof FREE_FAILURES;

export interface ThrottleKeys {
  email: string;
  ip?: string;
}

function keysOf(keys: ThrottleKeys): string[] {
  return [`email:${keys.email.trim().toLowerCase()}`, ...(keys.ip ? [`ip:${keys.ip}`] : [])];
}

/** Seconds to wait before `failures` failures of this kind allow another attempt. */
export function delaySeconds(kind: Kind, failures: number): number {
  const over = failures - FREE_FAILURES[kind] + 1;
  return over <= 0 ? 0 : Math.min(MAX_DELAY_SECONDS, 2 ** (over - 1));
}

/** Refuses the attempt (RATE_LIMITED with retryAfter) while any of its keys must still wait. */
export async function checkThrottle(pool: pg.Pool, keys: ThrottleKeys): Promise<void> {
  const { rows } = await pool.query<{ key: string; failures: number; since: number }>(
    `select key, failures, extract(epoch from now() - last_failed_at)::float8 as since
     from sign_in_failure where key = any($1) and last_failed_at > now() - interval '${FORGET_AFTER}'`,
    [keysOf(keys)],
  );
  let wait = 0;
  for (const row of rows) {
    const kind = row.key.startsWith("ip:") ? "ip" : "email";
    wait = Math.max(wait, delaySeconds(kind, row.failures) - row.since);
  }
  if (wait > 0) {
    const retryAfter = Math.ceil(wait);
    throw new GraphQLError(`Too many failed sign-ins; try again in ${retryAfter} s`, {
      extensions: { code: ErrorCode.RATE_LIMITED, retryAfter },
    });
  }
}

/** Counts a failed attempt against each key (a key idle past the window starts again at 1). */
export async function recordFailure(pool: pg.Pool, keys: ThrottleKeys): Promise<void> {
  await pool.query(
    `insert into sign_in_failure (key, failures, last_failed_at) select k, 1, now() from unnest($1::text[]) k
     on conflict (key) do update set
       failures = case when sign_in_failure.last_failed_at > now() - interval '${FORGET_AFTER}' then sign_in_failure.failures + 1 else 1 end,
       last_failed_at = now()`,
    [keysOf(keys)],
  );
}

/** A successful sign-in forgets the e-mail's failures (the address's stay counted). */
export async function forgetFailures(pool: pg.Pool, email: string): Promise<void> {
  await pool.query("delete from sign_in_failure where key = $1", [`email:${email.trim().toLowerCase()}`]);
}
