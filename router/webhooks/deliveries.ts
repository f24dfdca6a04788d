import express, { type Request, type Response } from "express";
import { GraphQLError } from "graphql";
import type { Config } from "../../core/config";
import type { Viewer } from "../../core/auth";
import { SubgraphUnavailableError, type InternalAnswer } from "../../core/internal-operations";
import type { Authenticate } from "../authenticate";
import { forwardDelivery, type ForwardDeps } from "./receiver";
import type { WebhookRoute } from "./index";

export const DELIVERIES_PATH = "/api/v1/admin/webhook-deliveries";
/** the subgraph hosting the stored-deliveries admin, and its operations (core/webhook-deliveries.ts) */
export const DELIVERIES_HOST = {
  subgraph: "orders",
  list: "webhook-deliveries.list",
  get: "webhook-deliveries.get",
} as const;

interface StoredDelivery {
  id: number;
  shopId: number;
  endpoint: string;
  headers: Record<string, string> | null;
  rawBody: string;
}

/**
 * What Bitrix sent, for operators (permission `bitrix.sync`, i.e. ADMIN, of the shop the
 * deliveries belong to; checked by the hosting subgraph):
 *   GET  /api/v1/admin/webhook-deliveries?endpoint=…&status=…&before=<id>&limit=…  newest first
 *   GET  /api/v1/admin/webhook-deliveries/:id                                     one, with raw body
 *   POST /api/v1/admin/webhook-deliveries/:id/replay                              run it again
 * The router authenticates the caller and forwards; a replay reads the delivery and forwards it
 * to its webhook's operation like a live delivery (so an applied status comes back
 * "unchanged"), where it is stored pointing at the original through `replayOf`.
 */
export function webhookDeliveriesAdmin(webhooks: Readonly<Record<string, WebhookRoute>>, deps: AdminDeps) {
  const router = express.Router();
  const handle = (work: AdminWork) => adminHandler(deps, work);
  router.get(
    "/",
    handle(async (req, res, viewer) => send(res, await read(deps, DELIVERIES_HOST.list, { query: req.query }, viewer))),
  );
  router.get(
    "/:id",
    handle(async (req, res, viewer) => send(res, await read(deps, DELIVERIES_HOST.get, { id: req.params.id }, viewer))),
  );
  router.post(
    "/:id/replay",
    handle((req, res, viewer) => replay(webhooks, deps, req, res, viewer)),
  );
  return router;
}

type AdminDeps = ForwardDeps & { config: Config; authenticate: Authenticate };
type AdminWork = (req: Request, res: Response, viewer: Viewer) => Promise<unknown>;

const send = (res: Response, answer: InternalAnswer) => res.status(answer.status).json(answer.body);

/** One operation of the hosting subgraph, as the caller. */
function read(deps: AdminDeps, operation: string, input: unknown, viewer: Viewer) {
  return deps.internal.call(DELIVERIES_HOST.subgraph, operation, input, { viewer });
}

/** Reads the stored delivery and forwards it to its webhook's operation like a live one. */
async function replay(
  webhooks: Readonly<Record<string, WebhookRoute>>,
  deps: AdminDeps,
  req: Request,
  res: Response,
  viewer: Viewer,
) {
  const found = await read(deps, DELIVERIES_HOST.get, { id: req.params.id }, viewer);
  if (found.status !== 200) return send(res, found);
  const row = found.body as unknown as StoredDelivery;
  // deliveries are recorded for the Bitrix shop; replay only there
  const route = Object.hasOwn(webhooks, row.endpoint) ? webhooks[row.endpoint] : undefined;
  if (!route || row.shopId !== deps.config.bitrixShopId) {
    return send(res, {
      status: 409,
      body: { error: `Delivery ${row.id} cannot be replayed: no handler for ${row.endpoint} in shop ${row.shopId}` },
    });
  }
  const headers = { ...(row.headers ?? {}), "x-replayed-by": viewer.userId };
  const answer = await forwardDelivery(deps, row.endpoint, route, {
    raw: Buffer.from(row.rawBody, "utf8"),
    headers,
    replayOf: row.id,
  });
  deps.logger.info(
    { deliveryId: row.id, replayId: answer.deliveryId, status: answer.status, userId: viewer.userId },
    "webhook delivery replayed",
  );
  res.json({
    replayOf: row.id,
    deliveryId: answer.deliveryId ?? null,
    statusCode: answer.status,
    response: answer.body,
  });
}

/** Authenticates the caller, runs `work`, and answers its failures as JSON (401/403, 503 when the subgraph is down). */
function adminHandler(deps: AdminDeps, work: AdminWork) {
  return async (req: Request, res: Response) => {
    try {
      const viewer = await deps.authenticate(req.header("authorization"));
      if (!viewer)
        return void res.status(401).json({ error: "A bearer token is required (Authorization: Bearer <JWT>)" });
      await work(req, res, viewer);
    } catch (error) {
      if (error instanceof GraphQLError) {
        const status = (error.extensions.http as { status?: number } | undefined)?.status ?? 401;
        return void res.status(status).json({ error: error.message });
      }
      if (error instanceof SubgraphUnavailableError)
        return void res.status(503).json({ error: "The orders service is unavailable; retry later" });
      deps.logger.error({ err: error }, "webhook deliveries admin failed");
      res.status(500).json({ error: "Internal server error" });
    }
  };
}
