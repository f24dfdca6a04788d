/**
 * Role rules check the move, not only the target status (issue 17 row 7): a COURIER moved a NEW
 * order straight to DELIVERED (final), a FLORIST moved NEW to ASSEMBLED (consuming stock). Generated
 * over every move the lifecycle allows, for the two roles limited to their own steps. The expected
 * moves are written here from the business (a florist accepts a paid order and assembles it; a
 * courier takes an assembled order out and delivers it), not read from the code under test.
 */
import { startTestStack, PROD_SHOP, type TestStack } from "../harness";
import { orderPicker, statusOf } from "../order-fixtures";
import { allowedNext, LIFECYCLE } from "../../subgraphs/orders/lifecycle";
import { ANY_MOVE, STATUS_MOVES } from "../../core/permissions";
import type { Role } from "../../core/auth";

const EXPECTED: Record<"FLORIST" | "COURIER", string[]> = {
  FLORIST: ["PAID → ACCEPTED", "ACCEPTED → ASSEMBLED"],
  COURIER: ["ASSEMBLED → IN_DELIVERY", "IN_DELIVERY → DELIVERED"],
};
const UPDATE = `mutation($id: ID!, $status: OrderStatus!) { updateOrderStatus(id: $id, status: $status) { status } }`;
const MOVES = [...LIFECYCLE, "CANCELLED"].flatMap((from) =>
  allowedNext(from as never).map((to) => [from, to] as const),
);

let t: TestStack;
const pick = orderPicker(() => t);
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.stop());

it("core/permissions.ts holds the same moves (ADMIN and MANAGER: whatever the lifecycle allows)", () => {
  expect(STATUS_MOVES.ADMIN).toBe(ANY_MOVE);
  expect(STATUS_MOVES.MANAGER).toBe(ANY_MOVE);
  for (const role of ["FLORIST", "COURIER"] as const) {
    expect((STATUS_MOVES[role] as readonly (readonly string[])[]).map(([from, to]) => `${from} → ${to}`)).toEqual(
      EXPECTED[role],
    );
  }
});

describe.each(["FLORIST", "COURIER"] as const)(
  "%s, over every move the lifecycle allows",
  (role: "FLORIST" | "COURIER") => {
    it("makes its own moves and is refused every other with FORBIDDEN, the order untouched", async () => {
      const outcomes: string[] = [];
      const standing = new Map<string, number>();
      for (const [from, to] of MOVES) {
        const allowed = EXPECTED[role].includes(`${from} → ${to}`);
        // a refused move changes nothing, so one order per status serves every refused move from it
        const orderId = allowed
          ? (await pick(PROD_SHOP, from)).id
          : (standing.get(from) ?? (await pick(PROD_SHOP, from)).id);
        if (!allowed) standing.set(from, orderId);
        // a courier sees only the orders assigned to them (CONTRACT.md): these are
        if (role === "COURIER")
          await t.ownerQuery(`update "order" set courier_id = $1 where id = $2`, [
            Number(t.userId(PROD_SHOP, "COURIER")),
            orderId,
          ]);
        const result = await t.graphql(
          UPDATE,
          { id: String(orderId), status: to },
          { token: t.token(PROD_SHOP, role as Role) },
        );
        const status = await statusOf(t, PROD_SHOP, orderId);
        outcomes.push(`${from} → ${to}: ${result.errors?.[0]?.extensions?.code ?? "moved"} (now ${status})`);
        if (!allowed) expect(result.errors?.[0].message).toMatch(new RegExp(`${role} may (set|move)`));
      }
      expect(outcomes).toEqual(
        MOVES.map(
          ([from, to]) =>
            `${from} → ${to}: ${EXPECTED[role].includes(`${from} → ${to}`) ? `moved (now ${to})` : `FORBIDDEN (now ${from})`}`,
        ),
      );
    });
  },
);
