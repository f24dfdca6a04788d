import { defaultFieldResolver, isObjectType, type GraphQLSchema } from "graphql";
import type { Role, Viewer } from "./auth";
import { forbidden, unauthenticated } from "./errors";
import { can, FIELD_PERMISSIONS, PERMISSIONS, type Permission } from "./permissions";

/**
 * What every argument of the API looks at, so a field a role may not read is never searched,
 * filtered or sorted by for that role (otherwise a florist who may not read recipients' phones
 * could find them digit by digit through a search). Keys are "Type.field.argument"; `reads` are
 * the fields ("Type.field") whose values the argument matches. test/security/argument-oracle.test.ts
 * fails while an argument of the schema is missing here, and probes every gated field through
 * every search, filter and lookup for every role.
 *
 * - `page`: paging and limits, no data.
 * - `key`: looks one thing up by this value.
 * - `filter`: keeps the rows whose field equals (or falls in) the value.
 * - `search`: keeps the rows where any of the fields contains the text.
 * - `sort`: per value of the sort enum, the fields it orders by.
 *
 * A filter, key or sort on a FIELD_PERMISSIONS field is FORBIDDEN to a role without that
 * permission (`enforceArgumentPermissions`); a search leaves such a field out of what it matches
 * for that role (the service asks `mayMatch`).
 */
export type ArgumentUse =
  | { kind: "page" }
  | { kind: "key" | "filter" | "search"; reads: readonly string[] }
  | { kind: "sort"; byValue: Readonly<Record<string, readonly string[]>> };

const PAGE = { kind: "page" } as const;

export const ARGUMENT_READS: Record<string, ArgumentUse> = {
  "Query.users.first": PAGE,
  "Query.users.after": PAGE,
  "Query.users.role": { kind: "filter", reads: ["User.role"] },
  "Query.products.first": PAGE,
  "Query.products.after": PAGE,
  "Query.products.search": { kind: "search", reads: ["Product.name", "Product.description"] },
  "Query.products.enabled": { kind: "filter", reads: ["Product.enabled"] },
  "Query.products.minPrice": { kind: "filter", reads: ["Product.price"] },
  "Query.products.maxPrice": { kind: "filter", reads: ["Product.price"] },
  "Query.products.sort": {
    kind: "sort",
    byValue: {
      NEWEST: ["Product.createdAt"],
      NAME: ["Product.name"],
      PRICE_ASC: ["Product.price"],
      PRICE_DESC: ["Product.price"],
    },
  },
  "Query.product.id": { kind: "key", reads: ["Product.id"] },
  "Query.bitrixSyncQueue.state": { kind: "filter", reads: ["Product.bitrixSync"] },
  "Query.bitrixSyncQueue.first": PAGE,
  "Query.bitrixSyncQueue.after": PAGE,
  "Query.orders.first": PAGE,
  "Query.orders.after": PAGE,
  "Query.orders.status": { kind: "filter", reads: ["Order.status"] },
  "Query.orders.createdFrom": { kind: "filter", reads: ["Order.createdAt"] },
  "Query.orders.createdTo": { kind: "filter", reads: ["Order.createdAt"] },
  "Query.orders.deliveryDate": { kind: "filter", reads: ["Order.deliveryFrom"] },
  "Query.orders.customerPhone": { kind: "filter", reads: ["Order.customer"] },
  "Query.orders.search": {
    kind: "search",
    reads: ["Order.recipientName", "Order.recipientPhone", "Order.bitrixOrderId"],
  },
  "Query.order.id": { kind: "key", reads: ["Order.id"] },
  "Query.orderByBitrixId.bitrixOrderId": { kind: "key", reads: ["Order.bitrixOrderId"] },
  "Query.orderStatusChanges.after": PAGE,
  "Query.orderStatusChanges.first": PAGE,
  "Query.orderStatusChangesByIds.historyIds": { kind: "key", reads: ["OrderStatusChange.historyId"] },
  "Query.deliveries.date": { kind: "filter", reads: ["Order.deliveryFrom"] },
  "Query.deliveries.courierId": { kind: "filter", reads: ["Order.courier"] },
  "Query.shopStats.from": { kind: "filter", reads: ["Order.createdAt"] },
  "Query.shopStats.to": { kind: "filter", reads: ["Order.createdAt"] },
  "Query.clients.first": PAGE,
  "Query.clients.after": PAGE,
  "Query.clients.search": { kind: "search", reads: ["ClientProfile.name", "ClientProfile.phone"] },
  "Query.clients.tag": { kind: "filter", reads: ["ClientProfile.tags"] },
  "Query.clients.sort": {
    kind: "sort",
    byValue: { LAST_ORDER: ["ClientProfile.lastOrderAt"], TOTAL_SPENT: ["ClientProfile.totalSpent"] },
  },
  "Query.clientProfile.phone": { kind: "key", reads: ["ClientProfile.phone"] },
  "Query.warehouseItem.id": { kind: "key", reads: ["WarehouseItem.id"] },
  "Query.warehouseOperations.first": PAGE,
  "Query.warehouseOperations.after": PAGE,
  "Query.warehouseOperations.itemId": { kind: "filter", reads: ["WarehouseOperation.item"] },
  "Query.warehouseOperations.types": { kind: "filter", reads: ["WarehouseOperation.type"] },
  "Query.warehouseOperations.orderId": { kind: "filter", reads: ["WarehouseOperation.orderId"] },
  "Query.warehouseOperations.from": { kind: "filter", reads: ["WarehouseOperation.createdAt"] },
  "Query.warehouseOperations.to": { kind: "filter", reads: ["WarehouseOperation.createdAt"] },
  "Query.stockConsumptions.first": PAGE,
  "Query.stockConsumptions.after": PAGE,
  "Query.stockConsumptions.shortOnly": { kind: "filter", reads: ["StockConsumption.hasShortfall"] },
  "Query.warehouseItems.first": PAGE,
  "Query.warehouseItems.after": PAGE,
  "ClientProfile.orders.first": PAGE,
  "ClientProfile.orders.after": PAGE,
  "ShopStats.topProducts.limit": PAGE,
  "Subscription.orderStatusChanged.after": PAGE,
};

/** The fields an argument reads (for a sort: with that value, or with any value when none is given). */
export function fieldsRead(argument: string, sortValue?: string): readonly string[] {
  const use = ARGUMENT_READS[argument];
  if (!use) throw new Error(`${argument} is not classified in core/argument-permissions.ts ARGUMENT_READS`);
  if (use.kind === "page") return [];
  if (use.kind !== "sort") return use.reads;
  return sortValue === undefined ? Object.values(use.byValue).flat() : (use.byValue[sortValue] ?? []);
}

/** The gated fields among those an argument reads that `role` may not read, with the permission each needs. */
export function hiddenReads(role: Role, argument: string, sortValue?: string): [string, Permission][] {
  return fieldsRead(argument, sortValue)
    .filter((field) => field in FIELD_PERMISSIONS && !can(role, FIELD_PERMISSIONS[field]))
    .map((field) => [field, FIELD_PERMISSIONS[field]]);
}

/**
 * Whether a search may match `field` for this role. The field must be one the map says the
 * argument reads, so a service cannot match a column the map (and its test) does not know of.
 */
export function mayMatch(role: Role, argument: string, field: string): boolean {
  if (!fieldsRead(argument).includes(field)) {
    throw new Error(`${argument} does not read ${field} in core/argument-permissions.ts ARGUMENT_READS`);
  }
  return !hiddenReads(role, argument).some(([hidden]) => hidden === field);
}

/** FORBIDDEN naming the argument when a filter, key or sort value reads a field the role may not read. */
export function checkArgument(viewer: Viewer, argument: string, value: unknown): void {
  const use = ARGUMENT_READS[argument];
  if (!use || use.kind === "page" || use.kind === "search" || value === null || value === undefined) return;
  const [hidden] = hiddenReads(viewer.role, argument, use.kind === "sort" ? String(value) : undefined);
  if (!hidden) return;
  const [field, permission] = hidden;
  const name = argument.split(".").pop();
  throw forbidden(
    `Role ${viewer.role} may not use ${name}: it ${use.kind === "sort" ? "sorts" : "looks"} by ${field}, which needs ${permission} (${PERMISSIONS[permission].join(", ")})`,
  );
}

/**
 * Wraps the resolver of every field with an argument that filters, looks up or sorts by a gated
 * field, so the check runs wherever the field is reached (beside `enforceFieldPermissions`).
 */
export function enforceArgumentPermissions(schema: GraphQLSchema): GraphQLSchema {
  const gatedArguments = Object.keys(ARGUMENT_READS).filter((argument) =>
    fieldsRead(argument).some((field) => field in FIELD_PERMISSIONS),
  );
  for (const argument of gatedArguments) {
    const [typeName, fieldName, argumentName] = argument.split(".");
    const type = schema.getType(typeName);
    const field = type && isObjectType(type) ? type.getFields()[fieldName] : undefined;
    if (!field || !field.args.some((a) => a.name === argumentName)) continue;
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context: { viewer?: Viewer | null }, info) => {
      if (args[argumentName] !== null && args[argumentName] !== undefined) {
        if (!context.viewer) throw unauthenticated();
        checkArgument(context.viewer, argument, args[argumentName]);
      }
      return resolve(source, args, context, info);
    };
  }
  return schema;
}
