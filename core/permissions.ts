import type { Role } from "./auth";
import { forbidden } from "./errors";

/**
 * The role matrix: the one place that says which role may do what. Resolvers and services
 * ask `requirePermission(viewer, "…")`; the README's table and the role tests are driven
 * from this object.
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
  /** see and retry the Bitrix sync queue */
  "bitrix.sync": ["ADMIN"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function requirePermission(viewer: { role: Role }, permission: Permission): void {
  if (!can(viewer.role, permission)) {
    throw forbidden(`Role ${viewer.role} may not ${permission}; allowed: ${PERMISSIONS[permission].join(", ")}`);
  }
}
