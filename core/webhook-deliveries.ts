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

const LIST_PARAMETERS = ["endpoint", "status", "before", "limit"];

/** A whole number written in digits within [min, max]; a refusal naming the parameter otherwise. */
function integerParameter(value: unknown, name: string, min: number, max: number): number | InternalAnswer {
  const number = typeof value === "string" && /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  if (!(number >= min && number <= max))
    return refuse(
      400,
      `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)?.slice(0, 40)}`,
      name,
    );
  return number;
}

const isRefusal = (value: unknown): value is InternalAnswer => typeof value === "object" && value !== null;

/** Reads the list's query string; a refusal naming the parameter when a value is not usable. */
export function listFilter(query: Record<string, unknown>): ListFilter | InternalAnswer {
  const unknown = Object.keys(query).find((name) => !LIST_PARAMETERS.includes(name));
  if (unknown !== undefined)
    return refuse(
      400,
      `Unknown parameter ${unknown.slice(0, 40)}; the list takes ${LIST_PARAMETERS.join(", ")}`,
      unknown.slice(0, 40),
    );
  const limit = query.limit === undefined ? 20 : integerParameter(query.limit, "limit", 1, MAX_LIMIT);
  const before = query.before === undefined ? undefined : integerParameter(query.before, "before", 1, 2_147_483_647);
  const status = query.status === undefined ? undefined : integerParameter(query.status, "status", 100, 599);
  for (const value of [limit, before, status]) if (isRefusal(value)) return value;
  if (query.endpoint !== undefined && typeof query.endpoint !== "string")
    return refuse(400, "endpoint must be given once, as text", "endpoint");
  const endpoint = query.endpoint as string | undefined;
  return {
    limit: limit as number,
    before: before as number | undefined,
    status: status as number | undefined,
    endpoint,
  };
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
