import express, { type Request, type Response } from "express";
import { AuthError, bearerToken, verifyToken, type Viewer } from "../../core/auth";
import { can, PERMISSIONS } from "../../core/permissions";
import { isDatabaseUnavailable } from "../../core/errors";
import { recordDelivery, runWebhookHandler, type WebhookDeps, type WebhookHandler } from "./receiver";

export const DELIVERIES_PATH = "/api/v1/admin/webhook-deliveries";
const MAX_LIMIT = 100;

/**
 * What Bitrix sent, for operators (permission `bitrix.sync`, i.e. ADMIN, of the shop the
 * deliveries belong to):
 *   GET  /api/v1/admin/webhook-deliveries?endpoint=…&status=…&before=<id>&limit=…  newest first
 *   GET  /api/v1/admin/webhook-deliveries/:id                                     one, with raw body
 *   POST /api/v1/admin/webhook-deliveries/:id/replay                              run it again
 * A replay goes through the same handler as a live delivery (so an applied status comes back
 * "unchanged") and is itself stored, pointing at the original through `replayOf`.
 */
export function webhookDeliveriesAdmin(webhooks: Record<string, WebhookHandler>, deps: WebhookDeps) {
  const router = express.Router();

  function viewerOf(req: Request, res: Response): Viewer | null {
    let viewer: Viewer | null = null;
    try {
      const token = bearerToken(req.header("authorization"));
      viewer = token ? verifyToken(token, deps.config.jwtSecrets) : null;
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      res.status(401).json({ error: error.message });
      return null;
    }
    if (!viewer) {
      res.status(401).json({ error: "A bearer token is required (Authorization: Bearer <JWT>)" });
      return null;
    }
    if (!can(viewer.role, "bitrix.sync")) {
      res.status(403).json({ error: `Role ${viewer.role} may not see webhook deliveries; allowed: ${PERMISSIONS["bitrix.sync"].join(", ")}` });
      return null;
    }
    return viewer;
  }

  function handle(work: (req: Request, res: Response, viewer: Viewer) => Promise<void>) {
    return async (req: Request, res: Response) => {
      const viewer = viewerOf(req, res);
      if (!viewer) return;
      try {
        await work(req, res, viewer);
      } catch (error) {
        if (isDatabaseUnavailable(error)) {
          res.status(503).json({ error: "The database is unavailable; retry later" });
          return;
        }
        deps.logger.error({ err: error }, "webhook deliveries admin failed");
        res.status(500).json({ error: "Internal server error" });
      }
    };
  }

  function deliveryId(req: Request, res: Response): number | null {
    const id = String(req.params.id);
    if (!/^\d{1,9}$/.test(id) || Number(id) < 1) {
      res.status(400).json({ error: `Delivery id must be a positive integer, got "${id.slice(0, 20)}"`, field: "id" });
      return null;
    }
    return Number(id);
  }

  router.get(
    "/",
    handle(async (req, res, viewer) => {
      const query = req.query as Record<string, unknown>;
      const limit = query.limit === undefined ? 20 : Number(query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
        res.status(400).json({ error: `limit must be between 1 and ${MAX_LIMIT}`, field: "limit" });
        return;
      }
      const before = query.before === undefined ? undefined : Number(query.before);
      if (before !== undefined && (!Number.isInteger(before) || before < 1)) {
        res.status(400).json({ error: "before must be a delivery id", field: "before" });
        return;
      }
      const status = query.status === undefined ? undefined : Number(query.status);
      if (status !== undefined && (!Number.isInteger(status) || status < 100 || status > 599)) {
        res.status(400).json({ error: "status must be an HTTP status code", field: "status" });
        return;
      }
      const endpoint = typeof query.endpoint === "string" ? query.endpoint : undefined;
      const rows = await deps.db.withTenant(viewer.shopId, (tx) =>
        tx.webhookDelivery.findMany({
          where: {
            shopId: viewer.shopId,
            ...(endpoint ? { endpoint } : {}),
            ...(status ? { statusCode: status } : {}),
            ...(before ? { id: { lt: before } } : {}),
          },
          orderBy: { id: "desc" },
          take: limit + 1,
          select: { id: true, endpoint: true, statusCode: true, response: true, durationMs: true, receivedAt: true, replayOf: true },
        }),
      );
      const page = rows.slice(0, limit);
      res.json({ deliveries: page, nextBefore: rows.length > limit ? page[page.length - 1].id : null });
    }),
  );

  /** The caller's shop's delivery named in the path; answers 400/404 itself and returns null. */
  async function findDelivery(req: Request, res: Response, shopId: number) {
    const id = deliveryId(req, res);
    if (id === null) return null;
    const row = await deps.db.withTenant(shopId, (tx) => tx.webhookDelivery.findFirst({ where: { id, shopId } }));
    if (!row) {
      res.status(404).json({ error: `Delivery ${id} was not found` });
      return null;
    }
    return { id, row };
  }

  router.get(
    "/:id",
    handle(async (req, res, viewer) => {
      const found = await findDelivery(req, res, viewer.shopId);
      if (!found) return;
      const { id, row } = found;
      res.json(row);
    }),
  );

  router.post(
    "/:id/replay",
    handle(async (req, res, viewer) => {
      const found = await findDelivery(req, res, viewer.shopId);
      if (!found) return;
      const { id, row } = found;
      // deliveries are recorded for the Bitrix shop; replay only there
      const handler = webhooks[row.endpoint];
      if (!handler || row.shopId !== deps.config.bitrixShopId) {
        res.status(409).json({ error: `Delivery ${id} cannot be replayed: no handler for ${row.endpoint} in shop ${row.shopId}` });
        return;
      }
      const headers = (row.headers ?? {}) as Record<string, string>;
      const raw = Buffer.from(row.rawBody, "utf8");
      const started = process.hrtime.bigint();
      const answer = await runWebhookHandler(row.endpoint, handler, deps, raw, headers["content-type"]);
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const replayId = await recordDelivery(
        deps,
        row.endpoint,
        { ...headers, "x-replayed-by": viewer.userId },
        raw,
        answer,
        durationMs,
        row.id,
      );
      deps.logger.info({ deliveryId: id, replayId, status: answer.status, userId: viewer.userId }, "webhook delivery replayed");
      res.json({ replayOf: row.id, deliveryId: replayId, statusCode: answer.status, response: answer.body });
    }),
  );

  return router;
}
