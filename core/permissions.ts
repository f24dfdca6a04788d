import type { ApolloServerPlugin } from "@apollo/server";
import {
  defaultFieldResolver,
  GraphQLError,
  isObjectType,
  Kind,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { ROLES, type Role, type Viewer } from "./auth";
import { forbidden, unauthenticated, withHttpStatus } from "./errors";

/**
 * The role matrix: the one place that says which role may do what. Services ask
 * `requirePermission(viewer, "…")` for rules of their own; on top of that every mutation is
 * checked against MUTATION_PERMISSIONS (`roleMatrixPlugin`, router and subgraphs) and every
 * sensitive field against FIELD_PERMISSIONS (`enforceFieldPermissions`, in each subgraph's
 * schema). docs/security.md's table and the role tests (test/security/roles.test.ts) are
 * generated from these objects. Which arguments search, filter or sort by which of these
 * fields is core/argument-permissions.ts (ARGUMENT_READS).
 */
export const PERMISSIONS = {
  /** read products, orders, stock */
  "shop.read": ["ADMIN", "MANAGER", "FLORIST", "COURIER"],
  /** create and edit products, images, recipes */
  "catalog.write": ["ADMIN", "MANAGER"],
  /** create orders, notes */
  "order.write": ["ADMIN", "MANAGER"],
  /** change an order's status (which statuses, per role, is the lifecycle's business) */
  "order.status": ["ADMIN", "MANAGER", "FLORIST", "COURIER"],
  /** edit an order's details (which fields, per role and status, is updateOrder's business: subgraphs/orders/update-order.ts) */
  "order.edit": ["ADMIN", "MANAGER", "FLORIST"],
  /** assign orders to couriers */
  "order.dispatch": ["ADMIN", "MANAGER"],
  /** record payments and refunds */
  "payment.write": ["ADMIN", "MANAGER"],
  /** add notes and photos to an order (the florist's bouquet photo, the courier's delivery proof) */
  "order.annotate": ["ADMIN", "MANAGER", "FLORIST", "COURIER"],
  /** see customers' phone numbers and profiles */
  "customer.read": ["ADMIN", "MANAGER", "COURIER"],
  /** run warehouse operations */
  "warehouse.write": ["ADMIN", "MANAGER", "FLORIST"],
  /** create warehouse items and change their names, minimum levels and costs */
  "warehouse.items": ["ADMIN", "MANAGER"],
  /** see purchase costs */
  "warehouse.cost": ["ADMIN", "MANAGER"],
  /** the client base: list and search clients, edit their notes and tags */
  "customer.manage": ["ADMIN", "MANAGER"],
  /** sales figures (shopStats) */
  "stats.read": ["ADMIN", "MANAGER"],
  /** list the shop's staff */
  "staff.read": ["ADMIN", "MANAGER"],
  /** add staff, change their roles, deactivate them */
  "staff.write": ["ADMIN"],
  /** change one's own password */
  "account.own": ["ADMIN", "MANAGER", "FLORIST", "COURIER"],
  /** see and retry the Bitrix sync queue */
  "bitrix.sync": ["ADMIN"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;
/** anyone, signed in or not (sign-in itself) */
export const PUBLIC = "public" as const;

/**
 * Every root mutation of the supergraph and the permission it needs. A mutation that is not
 * listed here is refused for everyone (FORBIDDEN), so a new mutation cannot ship unclassified;
 * test/security/roles.test.ts also fails until it is listed.
 */
export const MUTATION_PERMISSIONS: Record<string, Permission | typeof PUBLIC> = {
  login: PUBLIC,
  setPassword: PUBLIC,
  createUser: "staff.write",
  changeUserRole: "staff.write",
  deactivateUser: "staff.write",
  changePassword: "account.own",
  updateClientProfile: "customer.manage",
  createProduct: "catalog.write",
  updateProduct: "catalog.write",
  setProductEnabled: "catalog.write",
  archiveProduct: "catalog.write",
  addProductImage: "catalog.write",
  removeProductImage: "catalog.write",
  reorderProductImages: "catalog.write",
  setMainProductImage: "catalog.write",
  setProductComposition: "catalog.write",
  createWarehouseItem: "warehouse.items",
  updateWarehouseItem: "warehouse.items",
  // receiving with a cost also needs warehouse.cost (the service's own rule)
  receiveStock: "warehouse.write",
  writeOffStock: "warehouse.write",
  adjustStock: "warehouse.write",
  consumeStock: "warehouse.write",
  returnStock: "warehouse.write",
  createOrder: "order.write",
  updateOrderStatus: "order.status",
  addOrderNote: "order.annotate",
  addOrderPhoto: "order.annotate",
  updateOrder: "order.edit",
  assignCourier: "order.dispatch",
  recordPayment: "payment.write",
  recordRefund: "payment.write",
  removeOrderPhoto: "order.write",
  // an upload for a product image also needs catalog.write (the service's own rule)
  createUpload: "order.annotate",
  retryBitrixSync: "bitrix.sync",
};

/**
 * Fields that carry sensitive data ("Type.field"): customers and their phones, purchase
 * costs. Without the permission the field resolves to a FORBIDDEN error (null in the data),
 * or plainly to null for the fields in NULL_WITHOUT_PERMISSION; the rest of the query answers
 * normally. Every field whose name mentions a phone or a cost, and every field returning a
 * customer, must be listed (test/security/roles.test.ts checks).
 */
export const FIELD_PERMISSIONS: Record<string, Permission> = {
  "Query.clientProfile": "customer.read",
  "Order.customer": "customer.read",
  "Order.recipientPhone": "customer.read",
  "ClientProfile.phone": "customer.read",
  "WarehouseItem.costPerUnit": "warehouse.cost",
  "WarehouseOperation.costPerUnit": "warehouse.cost",
  "Query.bitrixSyncQueue": "bitrix.sync",
  "Query.users": "staff.read",
  // the queue's state per product (attempts, Bitrix's last error and HTTP status): as private as the queue
  "Product.bitrixSync": "bitrix.sync",
  "Query.clients": "customer.manage",
  // reached only through Query.clients, checked here as well so the edge is never an open door
  "ClientProfileEdge.node": "customer.manage",
  "Query.shopStats": "stats.read",
};

/** The order statuses (the orders subgraph's OrderStatus enum). */
export type OrderStatusName = "NEW" | "PAID" | "ACCEPTED" | "ASSEMBLED" | "IN_DELIVERY" | "DELIVERED" | "CANCELLED";
export type StatusMove = readonly [from: OrderStatusName, to: OrderStatusName];
/** a role that may make every move the lifecycle allows */
export const ANY_MOVE = "any lifecycle move" as const;

/**
 * The status moves each role may make (`order.status`), as from–to pairs. The lifecycle
 * (subgraphs/orders/lifecycle.ts) says which moves exist at all; FLORIST and COURIER make only
 * their own steps: a courier cannot deliver an order nobody assembled (DELIVERED is final), a
 * florist cannot assemble, and so consume stock for, an order nobody accepted. `mayMove` is the
 * one check; the lifecycle's statement is told the statuses it allows.
 */
export const STATUS_MOVES: Record<Role, typeof ANY_MOVE | readonly StatusMove[]> = {
  ADMIN: ANY_MOVE,
  MANAGER: ANY_MOVE,
  FLORIST: [
    ["PAID", "ACCEPTED"],
    ["ACCEPTED", "ASSEMBLED"],
  ],
  COURIER: [
    ["ASSEMBLED", "IN_DELIVERY"],
    ["IN_DELIVERY", "DELIVERED"],
  ],
};

/** Whether `role` may move an order from `from` to `to` (the lifecycle must allow the move too). */
export function mayMove(role: Role, from: OrderStatusName, to: OrderStatusName): boolean {
  const moves = STATUS_MOVES[role];
  return moves === ANY_MOVE || moves.some(([f, t]) => f === from && t === to);
}

/** The statuses `role` may set at all; null: any. */
export function statusesRoleMaySet(role: Role): OrderStatusName[] | null {
  const moves = STATUS_MOVES[role];
  return moves === ANY_MOVE ? null : [...new Set(moves.map(([, to]) => to))];
}

/** "PAID → ACCEPTED, ACCEPTED → ASSEMBLED", for messages and the docs. */
export function describeMoves(role: Role): string {
  const moves = STATUS_MOVES[role];
  return moves === ANY_MOVE ? ANY_MOVE : moves.map(([from, to]) => `${from} → ${to}`).join(", ");
}

/** Sensitive fields a role without the permission reads as null, without an error (a florist's stock list has no costs). */
export const NULL_WITHOUT_PERMISSION = new Set(["WarehouseItem.costPerUnit", "WarehouseOperation.costPerUnit"]);

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function requirePermission(viewer: { role: Role }, permission: Permission): void {
  if (!can(viewer.role, permission)) {
    throw forbidden(`Role ${viewer.role} may not ${permission}; allowed: ${PERMISSIONS[permission].join(", ")}`);
  }
}

/** The root fields an operation selects (through fragments too), `__typename` left out. */
export function rootFieldNames(operation: OperationDefinitionNode, document: DocumentNode): string[] {
  const fragments = new Map(
    document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d] as const),
  );
  const names: string[] = [];
  const collect = (selections: OperationDefinitionNode["selectionSet"]["selections"], seen: Set<string>) => {
    for (const selection of selections) {
      if (selection.kind === Kind.FIELD) names.push(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet.selections, seen);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collect(fragment.selectionSet.selections, seen);
      }
    }
  };
  collect(operation.selectionSet.selections, new Set());
  return names.filter((name) => name !== "__typename");
}

/** The mutation rules of the role matrix, for a whole operation before anything runs. */
export function checkOperation(
  viewer: Viewer | null,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): void {
  if (operation.operation === "mutation") {
    for (const field of rootFieldNames(operation, document)) {
      const permission = MUTATION_PERMISSIONS[field];
      if (permission === undefined) {
        throw forbidden(
          `Mutation ${field} is not in the role matrix (core/permissions.ts MUTATION_PERMISSIONS), so nobody may run it`,
        );
      }
      if (permission !== PUBLIC && viewer) requirePermission(viewer, permission);
    }
  }
}

/** Enforces the role matrix on every operation, before anything resolves. */
export const roleMatrixPlugin: ApolloServerPlugin<{ viewer: Viewer | null }> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, document, contextValue }) {
        try {
          if (operation) checkOperation(contextValue.viewer, document, operation);
        } catch (error) {
          // thrown before execution: without an http status Apollo would answer 500
          throw error instanceof GraphQLError ? withHttpStatus(error, 403) : error;
        }
      },
    };
  },
};

/**
 * Wraps the resolver of every FIELD_PERMISSIONS field the schema has, so the check runs
 * wherever the field is reached: a query, a mutation's answer, an entity reference.
 */
export function enforceFieldPermissions(schema: GraphQLSchema): GraphQLSchema {
  for (const [coordinate, permission] of Object.entries(FIELD_PERMISSIONS)) {
    const [typeName, fieldName] = coordinate.split(".");
    const type = schema.getType(typeName);
    const field = type && isObjectType(type) ? type.getFields()[fieldName] : undefined;
    if (!field) continue;
    const resolve = field.resolve ?? defaultFieldResolver;
    const quiet = NULL_WITHOUT_PERMISSION.has(coordinate);
    field.resolve = (source, args, context: { viewer?: Viewer | null }, info) => {
      if (!context.viewer) throw unauthenticated();
      if (quiet && !can(context.viewer.role, permission)) return null;
      requirePermission(context.viewer, permission);
      return resolve(source, args, context, info);
    };
  }
  return schema;
}

/** The role matrix as a Markdown table (docs/security.md embeds it; a test keeps them equal). */
export function renderRoleMatrix(): string {
  const header = `| permission | ${ROLES.join(" | ")} | mutations | sensitive fields |`;
  const rule = `| --- | ${ROLES.map(() => ":---:").join(" | ")} | --- | --- |`;
  const rows = (Object.keys(PERMISSIONS) as Permission[]).map((permission) => {
    const mutations = Object.entries(MUTATION_PERMISSIONS)
      .filter(([, p]) => p === permission)
      .map(([m]) => `\`${m}\``);
    const fields = Object.entries(FIELD_PERMISSIONS)
      .filter(([, p]) => p === permission)
      .map(([f]) => `\`${f}\`${NULL_WITHOUT_PERMISSION.has(f) ? " (null for others)" : ""}`);
    return `| \`${permission}\` | ${ROLES.map((role) => (can(role, permission) ? "✔" : "—")).join(" | ")} | ${mutations.join(", ")} | ${fields.join(", ")} |`;
  });
  const publicMutations = Object.entries(MUTATION_PERMISSIONS)
    .filter(([, p]) => p === PUBLIC)
    .map(([m]) => `\`${m}\``);
  rows.push(`| public (no token) | ${ROLES.map(() => "✔").join(" | ")} | ${publicMutations.join(", ")} |  |`);
  const moves = [
    "",
    "| role | status moves (`updateOrderStatus`, STATUS_MOVES) |",
    "| --- | --- |",
    ...ROLES.map((role) => `| ${role} | ${describeMoves(role)} |`),
  ];
  return [header, rule, ...rows, ...moves].join("\n");
}
