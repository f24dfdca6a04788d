import type { SqlReader } from "../../core/db";
import type { Viewer } from "../../core/auth";
import { changeInTenant, inTenant, requireViewer } from "../../core/context";
import { parseId } from "../../core/pagination";
import { badUserInput, notFound } from "../../core/errors";
import { can, requirePermission } from "../../core/permissions";
import { integerInRange, optionalText } from "../../core/validation";
import type {
  AdjustStockInput,
  CreateWarehouseItemInput,
  QueryStockConsumptionsArgs,
  QueryWarehouseItemsArgs,
  QueryWarehouseOperationsArgs,
  ReceiveStockInput,
  RecipeLineInput,
  StockMovementInput,
  UpdateWarehouseItemInput,
  WriteOffStockInput,
} from "./__generated__/resolvers-types";
import type { WarehouseContext } from "./context";
import { applyCount, applyMovement, checkOrder, listOperations } from "./operations";
import { createItem, listItems, lowStockItems, updateItem } from "./stock";
import { setComposition } from "./recipes";
import { listConsumptions } from "./consumption";

/** The warehouse subgraph's use cases, context first; resolvers are one line each. */

const MAX_UNITS = 1_000_000;

/**
 * A stock movement on the raw write path, in the caller's shop, after checking the role. A
 * movement is one statement (operations.ts), so it commits on its own in one round trip.
 */
function move<T>(context: WarehouseContext, work: (sql: SqlReader, viewer: Viewer) => Promise<T>): Promise<T> {
  const viewer = requireViewer(context);
  requirePermission(viewer, "warehouse.write");
  return context.db.write(viewer.shopId, (sql) => work(sql, viewer), { autocommit: true });
}

function optionalId(id: string | number | null | undefined, field: string): number | null {
  return id === null || id === undefined ? null : parseId(id, field);
}

const units = (quantity: number) => integerInRange(quantity, "quantity", 1, MAX_UNITS);
const noteOf = (note: string | null | undefined) => optionalText(note, "note", 1000);

/** Purchase costs are for ADMIN and MANAGER: other roles read null. */
export function visibleCost(context: WarehouseContext, cost: number | null): number | null {
  return context.viewer && can(context.viewer.role, "warehouse.cost") ? cost : null;
}

/** An item a row points at (an operation, a recipe line, a consumption line); its absence is a broken reference. */
export async function itemOf(context: WarehouseContext, itemId: number) {
  const item = await context.loaders.itemById.load(itemId);
  if (!item) throw notFound("Warehouse item", itemId);
  return item;
}

export function warehouseItems(context: WarehouseContext, args: QueryWarehouseItemsArgs) {
  return inTenant(context, (tx, viewer) => listItems(tx, viewer.shopId, args));
}

export function warehouseItem(context: WarehouseContext, id: string) {
  return context.loaders.itemById.load(parseId(id));
}

export function lowStock(context: WarehouseContext) {
  return inTenant(context, (tx, viewer) => lowStockItems(tx, viewer.shopId));
}

export function warehouseOperations(context: WarehouseContext, args: QueryWarehouseOperationsArgs) {
  return inTenant(context, (tx, viewer) =>
    listOperations(tx, viewer.shopId, {
      first: args.first,
      after: args.after,
      itemId: args.itemId ? parseId(args.itemId, "itemId") : null,
      orderId: args.orderId ? parseId(args.orderId, "orderId") : null,
      types: args.types,
      from: args.from,
      to: args.to,
    }),
  );
}

export function stockConsumptions(context: WarehouseContext, args: QueryStockConsumptionsArgs) {
  return inTenant(context, (tx, viewer) => listConsumptions(tx, viewer.shopId, args));
}

export function createWarehouseItem(context: WarehouseContext, input: CreateWarehouseItemInput) {
  return changeInTenant(context, "warehouse.items", (tx, viewer) => createItem(tx, viewer.shopId, input));
}

export function updateWarehouseItem(context: WarehouseContext, id: string, input: UpdateWarehouseItemInput) {
  return changeInTenant(context, "warehouse.items", (tx, viewer) => updateItem(tx, viewer.shopId, parseId(id), input));
}

/** A delivery from a supplier; giving its cost needs the cost permission too. */
export function receiveStock(context: WarehouseContext, input: ReceiveStockInput) {
  const withCost = input.costPerUnit !== null && input.costPerUnit !== undefined;
  if (withCost) requirePermission(requireViewer(context), "warehouse.cost");
  return move(context, (sql, viewer) =>
    applyMovement(sql, viewer.shopId, {
      itemId: parseId(input.itemId, "itemId"),
      type: "RECEIVE",
      delta: units(input.quantity),
      costPerUnit: withCost ? integerInRange(input.costPerUnit!, "costPerUnit", 0, 1_000_000_000) : null,
      note: noteOf(input.note),
      createdBy: viewer.userId,
    }),
  );
}

/** Stock lost (wilted, broken...); the reason OTHER needs a note. Input is judged after the role. */
export function writeOffStock(context: WarehouseContext, input: WriteOffStockInput) {
  return move(context, (sql, viewer) => {
    const note = noteOf(input.note);
    if (input.reason === "OTHER" && !note) throw badUserInput("note is required when the reason is OTHER", "note");
    return applyMovement(sql, viewer.shopId, {
      itemId: parseId(input.itemId, "itemId"),
      type: "WRITE_OFF",
      delta: -units(input.quantity),
      reason: input.reason,
      note,
      createdBy: viewer.userId,
    });
  });
}

export function adjustStock(context: WarehouseContext, input: AdjustStockInput) {
  return move(context, (sql, viewer) =>
    applyCount(sql, viewer.shopId, {
      itemId: parseId(input.itemId, "itemId"),
      countedQuantity: integerInRange(input.countedQuantity, "countedQuantity", 0, 100_000_000),
      note: noteOf(input.note),
      createdBy: viewer.userId,
    }),
  );
}

/** Units taken for an order by hand (CONSUME) or brought back (RETURN); the order must be the shop's. */
export function orderMovement(context: WarehouseContext, type: "CONSUME" | "RETURN", input: StockMovementInput) {
  return move(context, async (sql, viewer) =>
    applyMovement(sql, viewer.shopId, {
      itemId: parseId(input.itemId, "itemId"),
      type,
      delta: type === "CONSUME" ? -units(input.quantity) : units(input.quantity),
      orderId: await checkOrder(sql, viewer.shopId, optionalId(input.orderId, "orderId")),
      note: noteOf(input.note),
      createdBy: viewer.userId,
    }),
  );
}

export async function setProductComposition(context: WarehouseContext, productId: string, lines: RecipeLineInput[]) {
  const id = parseId(productId, "productId");
  await changeInTenant(context, "catalog.write", (tx, viewer) =>
    setComposition(
      tx,
      viewer.shopId,
      id,
      lines.map((line, index) => ({ itemId: parseId(line.itemId, `lines[${index}].itemId`), quantity: line.quantity })),
    ),
  );
  return { id };
}
