/**
 * The live order board page in a real browser (headless Chromium): sign in, the seeded board,
 * a status change through the API moving the card, a dropped connection shown and caught up
 * with nothing missed and nothing twice, actions and their errors, another shop never shown.
 *
 * The page is opened through a TCP proxy in front of the router, so a test can cut the
 * browser's connections (HTTP and WebSocket) while the API stays reachable for the test itself.
 * BOARD_SCREENSHOT=docs/board.png also saves the seeded board as the README shows it.
 */
import type { Browser, Page, WebSocket as PageSocket } from "playwright-core";
import { startTestStack, DEV_SHOP, PROD_SHOP, type TestStack } from "../harness";
import { startTcpProxy, type TcpProxy } from "../tcp-proxy";
import { launchBrowser, newDevice } from "../browser";
import { orderPicker } from "../order-fixtures";
import { eventually } from "../fake-bitrix";
import { feedSettled } from "../board-client";
import { ROLE_PASSWORDS } from "../../prisma/seed-data";

let t: TestStack;
let proxy: TcpProxy;
let browser: Browser;
let pageOrigin: string;
const pick = orderPicker(() => t);
const OPEN = ["NEW", "PAID", "ACCEPTED", "ASSEMBLED", "IN_DELIVERY"];
const EMAIL_DOMAIN: Record<number, string> = { [DEV_SHOP]: "dev.cvety.kz", [PROD_SHOP]: "cvety.kz" };

type Role = keyof typeof ROLE_PASSWORDS;

/**
 * Every wait here ends on the page's state (an element, an attribute), never after a set time.
 * Their bounds are generous because two shared cores run several suites at once; a bound costs
 * nothing when the state comes sooner.
 */
const WAIT_MS = 60_000;
/** the page's reconnect backoff is capped at 30 s (board/src/live.ts): its next attempt may be that far off */
const RECONNECT_WAIT_MS = 30_000 + WAIT_MS;
jest.setTimeout(4 * WAIT_MS);

/** Polls `check` until it holds (a database row, a socket's state, a count on the page). */
const waitUntil = <T>(check: () => Promise<T | null | undefined | false>) => eventually(check, WAIT_MS);

/** A new browser profile (another device) whose waits have the generous bound. */
async function device() {
  const context = await newDevice(browser);
  context.setDefaultTimeout(WAIT_MS);
  return context;
}

beforeAll(async () => {
  t = await startTestStack();
  proxy = await startTcpProxy({ host: "127.0.0.1", port: t.stack.router.port });
  pageOrigin = `http://127.0.0.1:${proxy.port}`;
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await t?.stop();
});

/** A token from `login`, as the page gets it. */
async function signInToken(shopId: number, role: Role): Promise<string> {
  const response = await t.graphql(
    `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
    { e: `${role.toLowerCase()}@${EMAIL_DOMAIN[shopId]}`, p: ROLE_PASSWORDS[role] },
    { token: null },
  );
  expect(response.errors).toBeUndefined();
  return response.data.login.token;
}

async function moveOrder(token: string, id: number, status: string): Promise<void> {
  const response = await t.graphql(
    `mutation($id: ID!, $s: OrderStatus!) { updateOrderStatus(id: $id, status: $s) { id } }`,
    { id: String(id), s: status },
    { token },
  );
  expect(response.errors).toBeUndefined();
}

/** Every `next` event the page's sockets received, by historyId, in order. */
function recordEvents(page: Page): string[] {
  const historyIds: string[] = [];
  page.on("websocket", (socket: PageSocket) => {
    socket.on("framereceived", ({ payload }) => {
      const message = JSON.parse(String(payload));
      const id = message.type === "next" ? message.payload?.data?.orderStatusChanged?.historyId : undefined;
      if (id) historyIds.push(id);
    });
  });
  return historyIds;
}

async function openBoard(shopId: number, role: Role): Promise<Page> {
  const page = await (await device()).newPage();
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  if (process.env.DEBUG_BOARD)
    page.on("websocket", (ws) => ws.on("framereceived", (f) => console.log("FRAME", String(f.payload).slice(0, 400))));
  await page.goto(`${pageOrigin}/board`);
  await page.getByLabel("Эл. почта").fill(`${role.toLowerCase()}@${EMAIL_DOMAIN[shopId]}`);
  await page.getByLabel("Пароль").fill(ROLE_PASSWORDS[role]);
  await page.getByRole("button", { name: "Войти" }).click();
  await page.locator('#connection[data-state="online"]').waitFor();
  return page;
}

/** The shop's newest change once every committed one is settled in the feed (what a board ends up behind). */
async function settledHead(token: string): Promise<string> {
  await feedSettled(t.stack.db, PROD_SHOP);
  const response = await t.graphql(`{ orderStatusFeedHead }`, {}, { token });
  expect(response.errors).toBeUndefined();
  return response.data.orderStatusFeedHead;
}

/** The number of events the page says it has applied since it opened (its connection status's data-events). */
async function appliedEvents(page: Page): Promise<number> {
  return Number((await page.locator("#connection").getAttribute("data-events")) ?? 0);
}

const cardIn = (page: Page, status: string, orderId: number) =>
  page.locator(`.column[data-status="${status}"] #order-${orderId}`);

async function cardIds(page: Page): Promise<number[]> {
  return (
    await page
      .locator("[data-order-id]")
      .evaluateAll((cards) => cards.map((card) => Number(card.getAttribute("data-order-id"))))
  ).sort((a, b) => a - b);
}

async function openOrderIds(shopId: number): Promise<number[]> {
  const rows = await t.ownerQuery<{ id: number }>(
    `select id from "order" where shop_id = $1 and status::text = any($2) order by id`,
    [shopId, OPEN],
  );
  return rows.rows.map((row) => row.id);
}

describe("the board page in Chromium", () => {
  let page: Page;
  let events: string[];

  it("refuses a wrong password in words, then signs in and shows the seeded board of its own shop only", async () => {
    page = await (await device()).newPage();
    events = recordEvents(page);
    await page.goto(`${pageOrigin}/board`);
    await page.getByLabel("Эл. почта").fill("admin@cvety.kz");
    await page.getByLabel("Пароль").fill("wrong-password");
    await page.getByRole("button", { name: "Войти" }).click();
    await expect(page.locator("#sign-in-error").textContent()).resolves.toBe("");
    await page.locator("#sign-in-error", { hasText: "Неверная почта или пароль." }).waitFor();

    // an assembled bouquet's photo, attached by URL (on the page's own origin: nothing leaves the machine)
    const photographed = await pick(PROD_SHOP, "ASSEMBLED");
    const photoUrl = `${pageOrigin}/files/test/bouquet.webp`;
    const photo = await t.graphql(
      `mutation($id: ID!, $url: String!) { addOrderPhoto(id: $id, url: $url, kind: ASSEMBLED_BOUQUET) { id } }`,
      { id: String(photographed.id), url: photoUrl },
      { token: await signInToken(PROD_SHOP, "FLORIST") },
    );
    expect(photo.errors).toBeUndefined();

    await page.getByLabel("Пароль").fill(ROLE_PASSWORDS.ADMIN);
    await page.getByRole("button", { name: "Войти" }).click();
    await page.locator('#connection[data-state="online"]').waitFor();
    await expect(page.locator(`#order-${photographed.id} img.thumb`).getAttribute("src")).resolves.toBe(photoUrl);
    await expect(page.locator(`#order-${photographed.id} img.thumb`).getAttribute("alt")).resolves.toBe(
      "Фото собранного букета",
    );
    const open = await openOrderIds(PROD_SHOP);
    expect(open.length).toBeGreaterThan(5);
    await waitUntil(async () => (await page.locator(".columns [data-order-id]").count()) === open.length);
    const shown = await page
      .locator(".columns [data-order-id]")
      .evaluateAll((cards) => cards.map((card) => Number(card.getAttribute("data-order-id"))));
    expect(shown.sort((a, b) => a - b)).toEqual(open);
    const otherShop = new Set(await openOrderIds(DEV_SHOP));
    expect((await cardIds(page)).filter((id) => otherShop.has(id))).toEqual([]);
    // a card shows its number, window, recipient and items
    const [first] = await t
      .ownerQuery(
        `select id, bitrix_order_id as "bitrixOrderId", recipient_name as "recipientName" from "order" where id = $1`,
        [open[0]],
      )
      .then((r) => r.rows);
    const card = page.locator(`#order-${first.id}`);
    await expect(card.locator("h3").textContent()).resolves.toBe(`№ ${first.bitrixOrderId ?? first.id}`);
    if (first.recipientName) await expect(card.textContent()).resolves.toContain(first.recipientName);
    await expect(card.locator(".items li").count()).resolves.toBeGreaterThan(0);
    if (process.env.BOARD_SCREENSHOT) await page.screenshot({ path: process.env.BOARD_SCREENSHOT, fullPage: false });
  });

  it("moves a card when its status changes through the API", async () => {
    const order = await pick(PROD_SHOP, "PAID");
    await cardIn(page, "PAID", order.id).waitFor();
    await moveOrder(await signInToken(PROD_SHOP, "MANAGER"), order.id, "ACCEPTED");
    await cardIn(page, "ACCEPTED", order.id).waitFor();
    await expect(page.locator(`#order-${order.id}`).count()).resolves.toBe(1);
  });

  it("moves an order on with one tap, and says in words why a move is refused", async () => {
    const order = await pick(PROD_SHOP, "ACCEPTED");
    await page.getByRole("button", { name: `№ ${order.bitrixOrderId ?? order.id}: Собран` }).click();
    await cardIn(page, "ASSEMBLED", order.id).waitFor();
    await expect(
      t.ownerQuery(`select status::text from "order" where id = $1`, [order.id]).then((r) => r.rows[0].status),
    ).resolves.toBe("ASSEMBLED");

    // another order was delivered meanwhile, behind the board's back (no history row, no event)
    const stale = await pick(PROD_SHOP, "ASSEMBLED");
    await t.ownerQuery(`update "order" set status = 'DELIVERED' where id = $1`, [stale.id]);
    await page.getByRole("button", { name: `№ ${stale.bitrixOrderId ?? stale.id}: Везу` }).click();
    await page.locator(`#order-${stale.id} .notice`, { hasText: "Заказ уже доставлен" }).waitFor();
  });

  it("assigns a courier from the card's picker: the order gets that courier and the card shows their name", async () => {
    const order = await pick(PROD_SHOP, "NEW");
    await t.ownerQuery(`update "order" set delivery_kind = 'DELIVERY' where id = $1`, [order.id]);
    const courier = (
      await t.ownerQuery<{ id: number; name: string }>(
        `select id, name from app_user where shop_id = $1 and email = $2`,
        [PROD_SHOP, "courier2@cvety.kz"],
      )
    ).rows[0];
    const picker = page.getByLabel(`№ ${order.bitrixOrderId ?? order.id}: назначить курьера`);
    await picker.waitFor();
    await expect(picker.locator("option").first().textContent()).resolves.toBe("Без курьера");
    await picker.selectOption({ label: courier.name });
    await page.locator(`#order-${order.id} .courier`, { hasText: `Курьер: ${courier.name}` }).waitFor();
    await waitUntil(async () => {
      const row = await t.ownerQuery<{ courier_id: number | null }>(`select courier_id from "order" where id = $1`, [
        order.id,
      ]);
      return row.rows[0].courier_id === courier.id;
    });
    await expect(page.locator(`#order-${order.id} .notice`).count()).resolves.toBe(0);
  });

  it("says on the card, in words, why an assignment was refused: the order was delivered meanwhile, the courier deactivated meanwhile", async () => {
    const pickerOf = (order: { id: number; bitrixOrderId: number | null }) =>
      page.getByLabel(`№ ${order.bitrixOrderId ?? order.id}: назначить курьера`);
    const courierOf = async (orderId: number) =>
      (await t.ownerQuery(`select courier_id from "order" where id = $1`, [orderId])).rows[0].courier_id as
        number | null;
    const courier2 = (
      await t.ownerQuery<{ id: number; name: string }>(
        `select id, name from app_user where shop_id = $1 and email = $2`,
        [PROD_SHOP, "courier2@cvety.kz"],
      )
    ).rows[0];

    // delivered behind the board's back (no history row, no event): the card still offers the picker
    const delivered = await pick(PROD_SHOP, "ASSEMBLED");
    const before = await courierOf(delivered.id);
    await t.ownerQuery(`update "order" set status = 'DELIVERED' where id = $1`, [delivered.id]);
    // a choice other than the card's: a courier, or none when it has one
    await pickerOf(delivered).selectOption(before === null ? { label: courier2.name } : { value: "" });
    await page
      .locator(`#order-${delivered.id} .notice`, { hasText: "Заказ уже доставлен, курьера не сменить." })
      .waitFor();
    expect(await courierOf(delivered.id)).toBe(before);
    // the refused choice is undone: the picker shows the courier the card had
    await expect(pickerOf(delivered).inputValue()).resolves.toBe(before === null ? "" : String(before));

    // a courier the board was opened with leaves the shop (deactivated) before the dispatcher picks them
    const admin = await signInToken(PROD_SHOP, "ADMIN");
    const created = await t.graphql(
      `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
      {
        i: {
          email: "leaving-courier@cvety.kz",
          name: "Уходящий Курьер",
          role: "COURIER",
          password: "leaving-pass-123",
        },
      },
      { token: admin },
    );
    expect(created.errors).toBeUndefined();
    const leaving = created.data.createUser.id as string;
    const dispatcher = await openBoard(PROD_SHOP, "MANAGER");
    try {
      const order = await pick(PROD_SHOP, "PAID");
      const picker = dispatcher.getByLabel(`№ ${order.bitrixOrderId ?? order.id}: назначить курьера`);
      await picker.locator("option", { hasText: "Уходящий Курьер" }).waitFor({ state: "attached" });
      const deactivated = await t.graphql(
        `mutation($id: ID!) { deactivateUser(id: $id) { active } }`,
        { id: leaving },
        {
          token: admin,
        },
      );
      expect(deactivated.data?.deactivateUser).toEqual({ active: false });
      const held = await courierOf(order.id);
      await picker.selectOption({ label: "Уходящий Курьер" });
      await dispatcher
        .locator(`#order-${order.id} .notice`, { hasText: "Этот курьер больше не работает. Выберите другого." })
        .waitFor();
      expect(await courierOf(order.id)).toBe(held);
      // the picker no longer offers them, on this card or any other
      await dispatcher.locator("option", { hasText: "Уходящий Курьер" }).first().waitFor({ state: "detached" });
      await expect(picker.inputValue()).resolves.toBe(held === null ? "" : String(held));
    } finally {
      await dispatcher.context().close();
    }
  });

  it("shows that it is offline when the connection drops, then catches up with nothing missed and nothing twice", async () => {
    const manager = await signInToken(PROD_SHOP, "MANAGER");
    const orders = [await pick(PROD_SHOP, "NEW"), await pick(PROD_SHOP, "NEW"), await pick(PROD_SHOP, "PAID")];
    // before the drop, the page has applied every change made so far: its last event is the shop's newest
    const headBefore = await settledHead(manager);
    await page.locator(`#connection[data-last-event="${headBefore}"]`).waitFor();
    const appliedBefore = await appliedEvents(page);
    const framesBefore = [...events];

    proxy.pause();
    let during: string[];
    try {
      await page.locator('#connection[data-state="offline"]').waitFor();
      for (const order of orders) await moveOrder(manager, order.id, "ACCEPTED");
      await moveOrder(manager, orders[0].id, "ASSEMBLED");
      // still offline, reconnect attempts included: the board has not moved and says so
      await expect(cardIn(page, "ACCEPTED", orders[0].id).count()).resolves.toBe(0);
      await expect(page.locator("#connection").getAttribute("data-state")).resolves.toBe("offline");
      during = (
        await t.ownerQuery<{ id: string }>(
          `select id::text from order_history where shop_id = $1 and kind in ('STATUS', 'EDIT') and id > $2 order by id`,
          [PROD_SHOP, headBefore],
        )
      ).rows.map((row) => row.id);
      expect(during).toHaveLength(4);
    } finally {
      proxy.resume();
    }
    await page.locator('#connection[data-state="online"]').waitFor({ timeout: RECONNECT_WAIT_MS });
    const headAfter = await settledHead(manager);
    await page.locator(`#connection[data-last-event="${headAfter}"]`).waitFor();
    await cardIn(page, "ASSEMBLED", orders[0].id).waitFor();
    await cardIn(page, "ACCEPTED", orders[1].id).waitFor();
    await cardIn(page, "ACCEPTED", orders[2].id).waitFor();
    // the page applied exactly the changes made while it was cut off, each once
    expect((await appliedEvents(page)) - appliedBefore).toBe(during.length);
    // and its sockets received each of them once, and nothing it had before the drop again
    const caughtUp = events.filter((id) => during.includes(id));
    expect(caughtUp.sort()).toEqual([...during].sort());
    expect(events.slice(0, framesBefore.length)).toEqual(framesBefore);
    expect(new Set(events).size).toBe(events.length);
  });

  it("never shows another shop's orders or changes", async () => {
    const devPage = await openBoard(DEV_SHOP, "ADMIN");
    try {
      const devOpen = await openOrderIds(DEV_SHOP);
      await waitUntil(async () => (await devPage.locator(".columns [data-order-id]").count()) === devOpen.length);
      const order = await pick(PROD_SHOP, "NEW");
      await moveOrder(await signInToken(PROD_SHOP, "MANAGER"), order.id, "PAID");
      await cardIn(page, "PAID", order.id).waitFor();
      const prodOrders = new Set(
        (await t.ownerQuery<{ id: number }>(`select id from "order" where shop_id = $1`, [PROD_SHOP])).rows.map(
          (row) => row.id,
        ),
      );
      expect((await cardIds(devPage)).filter((id) => prodOrders.has(id))).toEqual([]);
      expect(await cardIds(devPage)).toEqual(expect.arrayContaining(devOpen));
    } finally {
      await devPage.context().close();
    }
  });
});

describe("a courier's board", () => {
  it("shows only the courier's own open deliveries, by window; an assignment to them appears live, one to another courier does not", async () => {
    const courier = (
      await t.ownerQuery(`select id from app_user where shop_id = $1 and email = $2`, [PROD_SHOP, "courier@cvety.kz"])
    ).rows[0].id as number;
    const other = (
      await t.ownerQuery(`select id from app_user where shop_id = $1 and email = $2`, [PROD_SHOP, "courier2@cvety.kz"])
    ).rows[0].id as number;
    const theirs = (
      await t.ownerQuery<{ id: number }>(
        `select id from "order" where shop_id = $1 and courier_id = $2 and status::text = any($3) order by id`,
        [PROD_SHOP, courier, OPEN],
      )
    ).rows.map((row) => row.id);
    expect(theirs.length).toBeGreaterThan(0);
    const page = await openBoard(PROD_SHOP, "COURIER");
    try {
      await waitUntil(async () => (await page.locator(".columns [data-order-id]").count()) === theirs.length);
      expect(await cardIds(page)).toEqual(theirs);
      // each column by delivery window, earliest first
      for (const status of OPEN) {
        const windows = await page
          .locator(`.column[data-status="${status}"] [data-order-id]`)
          .evaluateAll((cards) => cards.map((card) => Number(card.getAttribute("data-order-id"))));
        const rows = (
          await t.ownerQuery(`select id, delivery_from as "from" from "order" where id = any($1)`, [windows])
        ).rows;
        const from = new Map(rows.map((row) => [row.id, row.from ? new Date(row.from).getTime() : Infinity]));
        const times = windows.map((id) => from.get(id)!);
        expect(times).toEqual([...times].sort((a, b) => a - b));
      }
      const manager = await signInToken(PROD_SHOP, "MANAGER");
      const assign = (orderId: number, courierId: number) =>
        t.graphql(
          `mutation($o: ID!, $c: ID) { assignCourier(orderId: $o, courierId: $c) { id } }`,
          { o: String(orderId), c: String(courierId) },
          { token: manager },
        );
      // two accepted orders that are not this courier's (from the end: orderPicker hands out from the start)
      const [toOther, toThem] = (
        await t.ownerQuery<{ id: number }>(
          `select id from "order" where shop_id = $1 and status = 'ACCEPTED' and courier_id is distinct from $2 order by id desc limit 2`,
          [PROD_SHOP, courier],
        )
      ).rows;
      expect((await assign(toOther.id, other)).errors).toBeUndefined();
      expect((await assign(toThem.id, courier)).errors).toBeUndefined();
      await cardIn(page, "ACCEPTED", toThem.id).waitFor();
      await expect(page.locator(`#order-${toThem.id} .courier`).textContent()).resolves.toMatch(/^Курьер: /);
      expect(await cardIds(page)).not.toContain(toOther.id);
      // the courier's next step is "Везу" on an assembled order of theirs, and nothing on an accepted one
      await expect(page.locator(`#order-${toThem.id} button.move`).count()).resolves.toBe(0);
    } finally {
      await page.context().close();
    }
  });

  it("drops a card live when its order is taken from the courier: given to another courier, or to nobody", async () => {
    const [courier, other] = await Promise.all(
      ["courier@cvety.kz", "courier2@cvety.kz"].map(
        async (email) =>
          (await t.ownerQuery(`select id from app_user where shop_id = $1 and email = $2`, [PROD_SHOP, email])).rows[0]
            .id as number,
      ),
    );
    const manager = await signInToken(PROD_SHOP, "MANAGER");
    const assign = async (orderId: number, courierId: number | null) => {
      const response = await t.graphql(
        `mutation($o: ID!, $c: ID) { assignCourier(orderId: $o, courierId: $c) { id } }`,
        { o: String(orderId), c: courierId === null ? null : String(courierId) },
        { token: manager },
      );
      expect(response.errors).toBeUndefined();
    };
    const [toOther, toNobody, kept] = (
      await t.ownerQuery<{ id: number; status: string }>(
        `select id, status::text from "order" where shop_id = $1 and courier_id = $2 and status::text = any($3) order by id limit 3`,
        [PROD_SHOP, courier, OPEN],
      )
    ).rows;
    expect(kept).toBeDefined();
    const page = await openBoard(PROD_SHOP, "COURIER");
    try {
      for (const order of [toOther, toNobody, kept]) await cardIn(page, order.status, order.id).waitFor();
      await assign(toOther.id, other);
      await page.locator(`#order-${toOther.id}`).waitFor({ state: "detached" });
      await assign(toNobody.id, null);
      await page.locator(`#order-${toNobody.id}`).waitFor({ state: "detached" });
      // said to a screen reader, without naming where the order went
      await expect(page.locator("#announcer").textContent()).resolves.toMatch(/: снят с вас$/);
      // the board stays live and whole: the courier's other card is there, and a new assignment still appears
      await expect(page.locator("#connection").getAttribute("data-state")).resolves.toBe("online");
      await expect(cardIn(page, kept.status, kept.id).count()).resolves.toBe(1);
      await assign(toOther.id, courier);
      await cardIn(page, toOther.status, toOther.id).waitFor();
    } finally {
      await page.context().close();
    }
  });
});

/**
 * The lifetime of the tokens the expiry tests sign: long enough for a page to open and come
 * online (and sign in again) on a loaded machine before it runs out, short enough to wait out.
 */
const SHORT_TOKEN_S = 40;

/** A session as the page keeps it, for a real user of the shop, with a token that expires in `ttlSeconds`. */
async function shortSession(shopId: number, role: Role, ttlSeconds: number) {
  const user = (
    await t.ownerQuery(
      `select u.id::text as id, u.name, s.name as "shopName" from app_user u join shop s on s.id = u.shop_id where u.shop_id = $1 and u.role::text = $2 limit 1`,
      [shopId, role],
    )
  ).rows[0];
  return {
    token: t.token(shopId, role, { userId: user.id, ttlSeconds }),
    expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
    user: { id: user.id, name: user.name, role, shop: { id: String(shopId), name: user.shopName } },
  };
}

/** A board that was signed in before (its session in localStorage), with every socket it opens recorded. */
async function boardWithSession(session: object): Promise<{ page: Page; events: string[]; sockets: PageSocket[] }> {
  const context = await device();
  await context.addInitScript(
    (value) => (globalThis as any).localStorage.setItem("cvety.board.session", value),
    JSON.stringify(session),
  );
  const page = await context.newPage();
  const sockets: PageSocket[] = [];
  page.on("websocket", (socket) => sockets.push(socket));
  const events = recordEvents(page);
  await page.goto(`${pageOrigin}/board`);
  await page.locator('#connection[data-state="online"]').waitFor();
  return { page, events, sockets };
}

async function signInAgain(page: Page, shopId: number, role: Role): Promise<void> {
  await page.getByLabel("Эл. почта").fill(`${role.toLowerCase()}@${EMAIL_DOMAIN[shopId]}`);
  await page.getByLabel("Пароль").fill(ROLE_PASSWORDS[role]);
  await page.getByRole("button", { name: "Войти" }).click();
}

describe("a board left open all day", () => {
  it("asks to sign in before the token expires, and a renewed sign-in goes on without a gap or a repeat", async () => {
    const first = await shortSession(PROD_SHOP, "MANAGER", SHORT_TOKEN_S);
    const { page, events, sockets } = await boardWithSession(first);
    try {
      await page.locator("#banner", { hasText: "Сеанс скоро закончится" }).waitFor();
      await page.getByRole("button", { name: "Продлить вход" }).click();
      await signInAgain(page, PROD_SHOP, "MANAGER");
      await page.locator("#banner").waitFor({ state: "hidden" });
      await waitUntil(async () => sockets.length === 2 && sockets[0].isClosed());
      // past the first token's expiry the board is still live, on the renewed token
      const expired = Date.parse(first.expiresAt) + 1_000 - Date.now();
      if (expired > 0) await new Promise((resolve) => setTimeout(resolve, expired));
      const order = await pick(PROD_SHOP, "NEW");
      await moveOrder(await signInToken(PROD_SHOP, "MANAGER"), order.id, "PAID");
      await cardIn(page, "PAID", order.id).waitFor();
      await expect(page.locator("#connection").getAttribute("data-state")).resolves.toBe("online");
      expect(new Set(events).size).toBe(events.length);
    } finally {
      await page.context().close();
    }
  });

  it("at expiry closes its socket, says the board is stale, and after sign-in catches up", async () => {
    const { page, events, sockets } = await boardWithSession(await shortSession(PROD_SHOP, "ADMIN", SHORT_TOKEN_S));
    try {
      expect(sockets.length).toBe(1);
      // at the token's expiry the page signs out by itself
      await page.locator('#connection[data-state="signed-out"]').waitFor({ timeout: SHORT_TOKEN_S * 1000 + WAIT_MS });
      await expect(page.locator("#connection").textContent()).resolves.toContain("войдите снова");
      await page.locator("#sign-in").waitFor();
      await waitUntil(async () => sockets.every((socket) => socket.isClosed()));
      const order = await pick(PROD_SHOP, "NEW");
      await moveOrder(await signInToken(PROD_SHOP, "MANAGER"), order.id, "PAID");
      await signInAgain(page, PROD_SHOP, "ADMIN");
      await page.locator('#connection[data-state="online"]').waitFor();
      await cardIn(page, "PAID", order.id).waitFor();
      expect(new Set(events).size).toBe(events.length);
    } finally {
      await page.context().close();
    }
  });

  it("after a long time offline reloads the whole board instead of replaying", async () => {
    const context = await device();
    await context.clock.install();
    const page = await context.newPage();
    const loads: number[] = [];
    page.on("request", (request) => {
      if (request.postData()?.includes("query BoardOrders")) loads.push(Date.now());
    });
    await page.goto(`${pageOrigin}/board`);
    await signInAgain(page, PROD_SHOP, "ADMIN");
    try {
      await page.locator('#connection[data-state="online"]').waitFor();
      const loadsBefore = loads.length;
      const order = await pick(PROD_SHOP, "NEW");
      proxy.pause();
      await page.locator('#connection[data-state="offline"]').waitFor();
      await moveOrder(await signInToken(PROD_SHOP, "MANAGER"), order.id, "PAID");
      await page.clock.fastForward("06:00");
      proxy.resume();
      await page.clock.fastForward("01:00");
      await page.locator('#connection[data-state="online"]').waitFor({ timeout: RECONNECT_WAIT_MS });
      await cardIn(page, "PAID", order.id).waitFor();
      expect(loads.length).toBeGreaterThan(loadsBefore);
    } finally {
      proxy.resume();
      await context.close();
    }
  });
});
