import type { Client } from "graphql-ws";
import { startTestStack, PROD_SHOP, type TestStack } from "../../test/harness";
import { attached, boardClient, collect, recordStatusChange, someOrders } from "../../test/board-client";

/**
 * A board socket outlives no change of its user's access: deactivating the user, or giving them
 * another role, closes their open sockets with 4401 (the page then asks to sign in), while the
 * shop's other boards stay connected and keep receiving changes.
 */
const BOARD = `subscription { orderStatusChanged { historyId order { id } } }`;
const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }`;
const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`;
const PASSWORD = "Лилии-и-розы-2026";

let t: TestStack;
const clients: Client[] = [];
beforeAll(async () => {
  t = await startTestStack();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => t?.stop());

let counter = 0;
/** A new staff member of shop 17008 with a token of their own. */
async function staffMember(role: string): Promise<{ id: string; token: string }> {
  const email = `board-revocation-${++counter}-${Date.now()}@cvety.kz`;
  const created = await t.graphql(CREATE, { input: { email, name: "Флорист на смене", role, password: PASSWORD } });
  if (created.errors) throw new Error(JSON.stringify(created.errors));
  const login = await t.graphql(LOGIN, { email, password: PASSWORD }, { token: null });
  return { id: created.data.createUser.id, token: login.data.login.token };
}

/** A board of `token` on shop 17008, attached; the close code it gets, once it gets one. */
async function openBoard(token: string, boardsBefore: number) {
  let closedWith: number | null = null;
  let onClose: (code: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => (onClose = resolve));
  const client = boardClient(t, token, {
    onClosed: (code) => {
      closedWith = code;
      onClose(code);
    },
  });
  clients.push(client);
  const board = collect(client, BOARD);
  await attached(t, PROD_SHOP, boardsBefore + 1);
  return { board, closed, closedWith: () => closedWith };
}

it.each([
  ["deactivated", (id: string) => t.graphql(`mutation($id: ID!) { deactivateUser(id: $id) { id } }`, { id })],
  [
    "given another role",
    (id: string) => t.graphql(`mutation($id: ID!) { changeUserRole(id: $id, role: MANAGER) { id } }`, { id }),
  ],
])("closes the board sockets of a user %s with 4401; the shop's other boards stay", async (_name, change) => {
  const florist = await staffMember("FLORIST");
  const admin = await openBoard(t.token(PROD_SHOP, "ADMIN"), 0);
  const theirs = await openBoard(florist.token, 1);
  const result = await change(florist.id);
  expect(result.errors).toBeUndefined();
  expect(await theirs.closed).toBe(4401);
  // the ADMIN's board is still connected: it receives the next change
  const [orderId] = await someOrders(t.stack.db, PROD_SHOP, 1);
  const historyId = await recordStatusChange(t.stack.db, PROD_SHOP, orderId, "PAID");
  await admin.board.until((b) => b.data.some((d: any) => d.orderStatusChanged.historyId === historyId));
  expect(admin.closedWith()).toBeNull();
});
