import { can, PERMISSIONS } from "./permissions";
import type { InternalAnswer, InternalContext, InternalOperation } from "./internal-operations";

/**
 * The stored-deliveries admin's reads, as internal operations of the subgraph that hosts them
 * (orders). The router authenticates the caller and forwards the query; the permission
 * (`bitrix.sync`) and the caller's shop are applied here, once. A replay is the router
 * reading a delivery here and forwarding it to its webhook's operation like a live one.
 */
export const DELIVERIES_LIST_OPERATION = "webhook-deliveries.list";
export const DELIVERIES_GET_OPERATION = "webhook-deliveries.get";
const MAX_LIMIT = 100;

export interface DeliveriesListInput {
  query: Record<string, unknown>;
}
export interface DeliveryGetInput {
  id: string;
}

const refuse = (status: number, error: string, field?: string): InternalAnswer => ({
  status,
  body: { error, ...(field ? { field } : {}) },
});

/** The caller's shop when they may read deliveries; otherwise the answer refusing them. */
function permitted(context: InternalContext): number | InternalAnswer {
  const viewer = context.viewer;
  if (!viewer) return refuse(401, "A bearer token is required (Authorization: Bearer <JWT>)");
  if (!can(viewer.role, "bitrix.sync")) {
    return refuse(
      403,
      `Role ${viewer.role} may not see webhook deliveries; allowed: ${PERMISSIONS["bitrix.sync"].join(", ")}`,
    );
  }
  return viewer.shopId;
}

interface ListFilter {
  limit: number;
  before?: number;
  status?: number;
  endpoint?: string;
}

/** Reads the list's query string; a refusal naming the field when a value is not usable. */
export function listFilter(query: Record<string, unknown>): ListFilter | InternalAnswer {
  const limit = query.limit === undefined ? 20 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    return refuse(400, `limit must be between 1 and ${MAX_LIMIT}`, "limit");
  const before = query.before === undefined ? undefined : Number(query.before);
  if (before !== undefined && (!Number.isInteger(before) || before < 1))
    return refuse(400, "before must be a delivery id", "before");
  const status = query.status === undefined ? undefined : Number(query.status);
  if (status !== undefined && (!Number.isInteger(status) || status < 100 || status > 599)) {
    return refuse(400, "status must be an HTTP status code", "status");
  }
  const endpoint = typeof query.endpoint === "string" ? query.endpoint : undefined;
  return { limit, before, status, endpoint };
}

const listDeliveries: InternalOperation = async (input, context) => {
  const shopId = permitted(context);
  if (typeof shopId !== "number") return shopId;
  const filter = listFilter((input as DeliveriesListInput).query ?? {});
  if ("body" in filter) return filter;
  const rows = await context.db.withTenant(shopId, (tx) =>
    tx.webhookDelivery.findMany({
      where: {
        shopId,
        ...(filter.endpoint ? { endpoint: filter.endpoint } : {}),
        ...(filter.status ? { statusCode: filter.status } : {}),
        ...(filter.before ? { id: { lt: filter.before } } : {}),
      },
      orderBy: { id: "desc" },
      take: filter.limit + 1,
      select: {
        id: true,
        endpoint: true,
        statusCode: true,
        response: true,
        durationMs: true,
        receivedAt: true,
        replayOf: true,
      },
    }),
  );
  const page = rows.slice(0, filter.limit);
  return {
    status: 200,
    body: { deliveries: page, nextBefore: rows.length > filter.limit ? page[page.length - 1].id : null },
  };
};

/** One delivery of the caller's shop, with its raw body and headers. */
const getDelivery: InternalOperation = async (input, context) => {
  const shopId = permitted(context);
  if (typeof shopId !== "number") return shopId;
  const id = String((input as DeliveryGetInput).id);
  if (!/^\d{1,9}$/.test(id) || Number(id) < 1)
    return refuse(400, `Delivery id must be a positive integer, got "${id.slice(0, 20)}"`, "id");
  const row = await context.db.withTenant(shopId, (tx) =>
    tx.webhookDelivery.findFirst({ where: { id: Number(id), shopId } }),
  );
  if (!row) return refuse(404, `Delivery ${id} was not found`);
  return { status: 200, body: JSON.parse(JSON.stringify(row)) as Record<string, unknown> };
};

export const WEBHOOK_DELIVERIES_OPERATIONS: Readonly<Record<string, InternalOperation>> = {
  [DELIVERIES_LIST_OPERATION]: listDeliveries,
  [DELIVERIES_GET_OPERATION]: getDelivery,
};
