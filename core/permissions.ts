import type { ApolloServerPlugin } from "@apollo/server";
import { Kind, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import { ROLES, type Role, type Viewer } from "./auth";
import { forbidden } from "./errors";

/**
 * The role matrix: the one place that says which role may do what. Resolvers and services
 * ask `requirePermission(viewer, "…")`; `roleMatrixPlugin` enforces MUTATION_PERMISSIONS and
 * FIELD_PERMISSIONS for every operation (router and subgraphs); docs/security.md's table and
 * the role tests (test/security/roles.test.ts) are generated from these objects.
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
/** anyone, signed in or not (sign-in itself) */
export const PUBLIC = "public" as const;

/**
 * Every root mutation of the supergraph and the permission it needs. A mutation that is not
 * listed here is refused for everyone (FORBIDDEN), so a new mutation cannot ship unclassified;
 * test/security/roles.test.ts also fails until it is listed.
 */
export const MUTATION_PERMISSIONS: Record<string, Permission | typeof PUBLIC> = {
  login: PUBLIC,
  updateOrderStatus: "order.status",
};

/**
 * Fields that carry sensitive data ("Type.field"): customers' phones, purchase costs. A
 * query selecting one without the permission is refused as a whole with FORBIDDEN naming
 * the field. Every field whose name mentions a phone or a cost must be listed (a test checks).
 */
export const FIELD_PERMISSIONS: Record<string, Permission> = {};

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

/** "Type.field" of every field the operation selects, fragments included. */
export function selectedFields(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): Set<string> {
  const used = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  const fragments = new Map(document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d] as const));
  const pending = [operation as DocumentNode["definitions"][number]];
  const visited = new Set<string>();
  while (pending.length) {
    const node = pending.pop()!;
    visit(
      node,
      visitWithTypeInfo(typeInfo, {
        Field(field) {
          const parent = typeInfo.getParentType();
          if (parent) used.add(`${parent.name}.${field.name.value}`);
        },
        FragmentSpread(spread) {
          const name = spread.name.value;
          if (!visited.has(name) && fragments.has(name)) {
            visited.add(name);
            pending.push(fragments.get(name)!);
          }
        },
      }),
    );
  }
  return used;
}

/** The permission checks of the role matrix that hold for a whole operation. */
export function checkOperation(viewer: Viewer | null, schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): void {
  if (operation.operation === "mutation") {
    for (const field of rootFieldNames(operation, document)) {
      const permission = MUTATION_PERMISSIONS[field];
      if (permission === undefined) {
        throw forbidden(`Mutation ${field} is not in the role matrix (core/permissions.ts MUTATION_PERMISSIONS), so nobody may run it`);
      }
      if (permission !== PUBLIC && viewer) requirePermission(viewer, permission);
    }
  }
  if (!viewer) return;
  const refused = [...selectedFields(schema, document, operation)].filter((field) => {
    const permission = FIELD_PERMISSIONS[field];
    return permission !== undefined && !can(viewer.role, permission);
  });
  if (refused.length) {
    const permissions = [...new Set(refused.map((field) => FIELD_PERMISSIONS[field]))];
    throw forbidden(
      `Role ${viewer.role} may not read ${refused.join(", ")} (${permissions.join(", ")}; allowed: ${permissions.map((p) => PERMISSIONS[p].join(", ")).join(" / ")})`,
    );
  }
}

/** Enforces the role matrix on every operation, before anything resolves. */
export const roleMatrixPlugin: ApolloServerPlugin<{ viewer: Viewer | null }> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, document, schema, contextValue }) {
        if (operation) checkOperation(contextValue.viewer, schema, document, operation);
      },
    };
  },
};

/** The role matrix as a Markdown table (docs/security.md embeds it; a test keeps them equal). */
export function renderRoleMatrix(): string {
  const header = `| permission | ${ROLES.join(" | ")} | mutations | sensitive fields |`;
  const rule = `| --- | ${ROLES.map(() => ":---:").join(" | ")} | --- | --- |`;
  const rows = (Object.keys(PERMISSIONS) as Permission[]).map((permission) => {
    const mutations = Object.entries(MUTATION_PERMISSIONS).filter(([, p]) => p === permission).map(([m]) => `\`${m}\``);
    const fields = Object.entries(FIELD_PERMISSIONS).filter(([, p]) => p === permission).map(([f]) => `\`${f}\``);
    return `| \`${permission}\` | ${ROLES.map((role) => (can(role, permission) ? "✔" : "—")).join(" | ")} | ${mutations.join(", ")} | ${fields.join(", ")} |`;
  });
  const publicMutations = Object.entries(MUTATION_PERMISSIONS).filter(([, p]) => p === PUBLIC).map(([m]) => `\`${m}\``);
  rows.push(`| public (no token) | ${ROLES.map(() => "✔").join(" | ")} | ${publicMutations.join(", ")} |  |`);
  return [header, rule, ...rows].join("\n");
}
