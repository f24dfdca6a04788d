import pino from "pino";

/** Paths that must never reach a log line: credentials and customers' personal data. */
const REDACTED = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-webhook-secret"]',
  "headers.authorization",
  'headers["x-webhook-secret"]',
  "authorization",
  "password",
  "token",
  "secret",
  "*.password",
  "*.token",
  "*.secret",
  "*.phone",
  "*.customerPhone",
  "*.recipientPhone",
];

export type Logger = pino.Logger;

export function createLogger(level: string, name = "cvety-graph"): Logger {
  return pino({
    name,
    level,
    redact: { paths: REDACTED, censor: "[redacted]" },
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
