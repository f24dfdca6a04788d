/** The board's controller: signs in, loads, listens, acts, and says so whenever the board is stale. */
import type {
  AssignCourierMutation,
  AssignCourierMutationVariables,
  BoardOrdersQuery,
  BoardOrdersQueryVariables,
  CouriersQuery,
  FeedHeadQuery,
  MoveOrderMutation,
  MoveOrderMutationVariables,
  OrderDetailsQuery,
  OrderDetailsQueryVariables,
  OrderStatus,
  SignInMutation,
  SignInMutationVariables,
} from "./__generated__/operations";
import { ApiError, describeAssignError, describeError, request } from "./api";
import { BoardState, FINISHED_STATUSES, OPEN_STATUSES, type BoardOrder } from "./board-state";
import { MAY_DISPATCH, orderNumber, renderDetails, type Courier } from "./cards";
import { byId, h } from "./dom";
import { ROLE_NAME, STATUS_NAME, TEXT } from "./labels";
import { LiveFeed, type Change, type LiveState } from "./live";
import { OPERATIONS } from "./operations";
import { clearSession, loadSession, sameBoard, saveSession, watchExpiry, type Session } from "./session";
import { BoardView } from "./view";

/** Signed out longer than this, the board reloads instead of replaying. */
const RESUME_WITHIN_MS = 5 * 60_000;
/** Back in view after this long hidden (a phone in a pocket), the board reloads. */
const HIDDEN_RELOAD_MS = 60_000;

export class BoardApp {
  private session: Session | null = null;
  private state = new BoardState();
  private view: BoardView | null = null;
  private stopExpiryWatch = () => {};
  private signedOutAt: number | null = null;
  private syncAttempt = 0;
  private syncTimer: number | undefined;
  /** bumped whenever the board's session changes: a load begun before then is dropped */
  private epoch = 0;
  private banner: "renew" | "load-failed" | null = null;
  /** events applied since the page opened */
  private eventsApplied = 0;
  private readonly live: LiveFeed;

  constructor(websocketUrl: string) {
    this.live = new LiveFeed(
      { url: websocketUrl, query: OPERATIONS.boardChanges, token: () => this.session?.token ?? "" },
      {
        change: (change) => {
          this.applyChange(change);
          this.noteEvent();
        },
        removed: (orderId) => {
          this.removeOrder(orderId);
          this.noteEvent();
        },
        state: (state) => this.showConnection(state),
        unauthenticated: () => this.signedOut(),
        reload: () => void this.sync(),
      },
    );
    this.wireControls();
  }

  boot(): void {
    const session = loadSession();
    if (session) this.begin(session);
    else this.askToSignIn(true);
  }

  // ---- session

  private async signIn(form: HTMLFormElement): Promise<void> {
    const data = new FormData(form);
    const error = byId("sign-in-error");
    const submit = form.querySelector("button[type=submit]") as HTMLButtonElement;
    error.textContent = "";
    submit.disabled = true;
    submit.textContent = TEXT.signingIn;
    try {
      const variables = { email: String(data.get("email") ?? ""), password: String(data.get("password") ?? "") };
      const { login } = await request<SignInMutation, SignInMutationVariables>(OPERATIONS.signIn, variables, null);
      (form.elements.namedItem("password") as HTMLInputElement).value = "";
      byId<HTMLDialogElement>("sign-in").close();
      const resume = sameBoard(this.session, login) && this.view !== null;
      saveSession(login);
      if (resume) this.renewed(login);
      else this.begin(login);
    } catch (failure) {
      error.textContent =
        failure instanceof ApiError && failure.code === "UNAUTHENTICATED"
          ? TEXT.badCredentials
          : describeError(failure);
    } finally {
      submit.disabled = false;
      submit.textContent = TEXT.signIn;
    }
  }

  /** A new board for this session. */
  private begin(session: Session): void {
    this.epoch += 1;
    this.live.stop();
    this.session = session;
    this.signedOutAt = null;
    byId("who").textContent = `${session.user.name}, ${ROLE_NAME[session.user.role]} · ${session.user.shop.name}`;
    byId("sign-out").hidden = false;
    this.watchExpiry(session);
    this.state = new BoardState();
    this.view = new BoardView(byId("board"), session.user.role, session.user.id);
    void this.sync();
  }

  /** Signed in again as the same person: resume behind the last event, or reload after a long gap. */
  private renewed(session: Session): void {
    this.session = session;
    this.watchExpiry(session);
    this.hideBanner("renew");
    const cursor = this.live.lastHistoryId;
    const gap = this.signedOutAt === null ? 0 : Date.now() - this.signedOutAt;
    this.signedOutAt = null;
    byId("board").classList.remove("stale");
    if (cursor && gap < RESUME_WITHIN_MS) this.live.start(cursor);
    else void this.sync();
  }

  private watchExpiry(session: Session): void {
    this.stopExpiryWatch();
    this.stopExpiryWatch = watchExpiry(session, {
      renewSoon: () => this.showBanner("renew", TEXT.expiresSoon),
      expired: () => this.signedOut(),
    });
  }

  private signedOut(): void {
    this.epoch += 1;
    clearTimeout(this.syncTimer);
    this.live.stop();
    this.stopExpiryWatch();
    this.signedOutAt ??= Date.now();
    byId("board").classList.add("stale");
    this.showConnection("signed-out");
    this.askToSignIn(true);
  }

  private signOut(): void {
    this.epoch += 1;
    clearTimeout(this.syncTimer);
    clearSession();
    this.live.stop();
    this.stopExpiryWatch();
    this.session = null;
    this.view = null;
    byId("board").replaceChildren();
    byId("who").textContent = "";
    byId("sign-out").hidden = true;
    this.hideBanner(null);
    this.showConnection("signed-out");
    this.askToSignIn(true);
  }

  private askToSignIn(required: boolean): void {
    const dialog = byId<HTMLDialogElement>("sign-in");
    dialog.dataset.required = String(required);
    if (!dialog.open) dialog.showModal();
    const email = dialog.querySelector<HTMLInputElement>("input[name=email]")!;
    if (this.session && !email.value) email.value = "";
    (email.value ? dialog.querySelector<HTMLInputElement>("input[name=password]")! : email).focus();
  }

  // ---- the board's data

  /** Reads the feed's head, loads every order, then listens behind that head: nothing in between is missed. */
  private async sync(): Promise<void> {
    clearTimeout(this.syncTimer);
    this.live.stop();
    const token = this.session?.token;
    const epoch = this.epoch;
    if (!token || !this.view) return;
    this.showConnection("reloading");
    try {
      const { orderStatusFeedHead } = await request<FeedHeadQuery>(OPERATIONS.feedHead, {}, token);
      // a column per request, all at once: the router and the subgraphs work on them side by side
      const columns = await Promise.all([
        ...OPEN_STATUSES.map((status) => this.loadOrders([status], token, true)),
        this.loadOrders(FINISHED_STATUSES, token, false),
      ]);
      const orders = columns.flat();
      const couriers = await this.loadCouriers(token);
      if (epoch !== this.epoch) return;
      this.view.setCouriers(couriers);
      this.state.replaceAll(orders);
      this.view.showAll(this.state.all());
      this.syncAttempt = 0;
      this.hideBanner("load-failed");
      this.live.start(orderStatusFeedHead ?? null);
    } catch (failure) {
      if (epoch !== this.epoch) return;
      if (failure instanceof ApiError && failure.code === "UNAUTHENTICATED") return this.signedOut();
      this.showConnection("offline");
      if (this.banner !== "renew") this.showBanner("load-failed", TEXT.loadFailed);
      const delay = Math.min(30_000, 1000 * 2 ** this.syncAttempt++) * (0.5 + Math.random() / 2);
      this.syncTimer = window.setTimeout(() => void this.sync(), delay);
    }
  }

  /** Every page of open orders; for the folded finished ones, the newest page is enough for today. */
  private async loadOrders(status: OrderStatus[], token: string, allPages: boolean): Promise<BoardOrder[]> {
    const orders: BoardOrder[] = [];
    let after: string | null = null;
    do {
      const variables: BoardOrdersQueryVariables = { status, after };
      const page: BoardOrdersQuery = await request<BoardOrdersQuery, BoardOrdersQueryVariables>(
        OPERATIONS.boardOrders,
        variables,
        token,
      );
      orders.push(...page.orders.edges.map((edge) => edge.node));
      after = page.orders.pageInfo.hasNextPage ? (page.orders.pageInfo.endCursor ?? null) : null;
    } while (after && allPages);
    return orders;
  }

  /** The shop's couriers, for a role that may assign them (null otherwise, or if they cannot be read). */
  private async loadCouriers(token: string): Promise<Courier[] | null> {
    if (!this.session || !MAY_DISPATCH.includes(this.session.user.role)) return null;
    try {
      const { users } = await request<CouriersQuery>(OPERATIONS.couriers, {}, token);
      // a deactivated courier takes no orders (a card still shows one assigned before)
      return users.edges.filter((edge) => edge.node.active).map(({ node }) => ({ id: node.id, name: node.name }));
    } catch {
      return null;
    }
  }

  /** The picker offers a courier who has left: read the shop's couriers again. */
  private async refreshCouriers(token: string): Promise<void> {
    const couriers = await this.loadCouriers(token);
    if (couriers) this.view?.setCouriers(couriers);
  }

  private applyChange(change: Change): void {
    if (!this.state.apply(change.order)) return;
    this.view?.show(change.order);
    byId("announcer").textContent = `${orderNumber(change.order)}: ${STATUS_NAME[change.order.status]}`;
  }

  /**
   * How far the board is, on its connection status: the number of events applied since the page
   * opened and the last one's historyId (`data-events`, `data-last-event`), for a person looking
   * into a wall screen and for the browser tests, which wait on them instead of on time.
   */
  private noteEvent(): void {
    const element = byId("connection");
    this.eventsApplied += 1;
    element.dataset.events = String(this.eventsApplied);
    element.dataset.lastEvent = this.live.lastHistoryId ?? "";
  }

  /** An order taken from the courier watching: its card goes, and a screen reader hears it. */
  private removeOrder(id: string): void {
    const held = this.state.get(id);
    this.state.remove(id);
    this.view?.remove(id);
    if (held) byId("announcer").textContent = `${orderNumber(held)}: ${TEXT.unassignedFromYou}`;
  }

  // ---- actions

  private async move(id: string, status: OrderStatus, button: HTMLButtonElement): Promise<void> {
    const token = this.session?.token;
    if (!token) return;
    button.disabled = true;
    try {
      const { updateOrderStatus } = await request<MoveOrderMutation, MoveOrderMutationVariables>(
        OPERATIONS.moveOrder,
        { id, status },
        token,
      );
      this.view?.setNotice(id, null);
      if (this.state.apply(updateOrderStatus)) this.view?.show(updateOrderStatus);
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === "UNAUTHENTICATED") return this.signedOut();
      this.view?.setNotice(id, describeError(failure, status));
      byId(`order-${id}`).querySelector<HTMLElement>(".notice")?.focus();
    } finally {
      button.disabled = false;
    }
  }

  private async assign(id: string, courierId: string | null, select: HTMLSelectElement): Promise<void> {
    const token = this.session?.token;
    if (!token) return;
    select.disabled = true;
    try {
      const { assignCourier } = await request<AssignCourierMutation, AssignCourierMutationVariables>(
        OPERATIONS.assignCourier,
        { orderId: id, courierId },
        token,
      );
      this.view?.setNotice(id, null);
      if (this.state.apply(assignCourier)) this.view?.show(assignCourier);
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === "UNAUTHENTICATED") return this.signedOut();
      if (failure instanceof ApiError && failure.extensions.reason === "DEACTIVATED") await this.refreshCouriers(token);
      this.view?.setNotice(id, describeAssignError(failure));
      byId(`order-${id}`).querySelector<HTMLElement>(".notice")?.focus();
    } finally {
      select.disabled = false;
    }
  }

  private async open(id: string): Promise<void> {
    const token = this.session?.token;
    const dialog = byId<HTMLDialogElement>("details");
    const body = byId("details-body");
    if (!token) return;
    body.replaceChildren(h("p", {}, "…"));
    dialog.showModal();
    try {
      const { order } = await request<OrderDetailsQuery, OrderDetailsQueryVariables>(
        OPERATIONS.orderDetails,
        { id },
        token,
      );
      body.replaceChildren(...(order ? renderDetails(order) : [h("p", { role: "alert" }, TEXT.notFound)]));
    } catch (failure) {
      body.replaceChildren(h("p", { role: "alert" }, describeError(failure)));
    }
  }

  // ---- the page's controls

  private wireControls(): void {
    const signInDialog = byId<HTMLDialogElement>("sign-in");
    signInDialog.addEventListener(
      "cancel",
      (event) => signInDialog.dataset.required === "true" && event.preventDefault(),
    );
    byId<HTMLFormElement>("sign-in-form").addEventListener("submit", (event) => {
      event.preventDefault();
      void this.signIn(event.currentTarget as HTMLFormElement);
    });
    byId("sign-out").addEventListener("click", () => this.signOut());
    byId("renew").addEventListener("click", () => this.askToSignIn(false));
    // a phone that slept may have lost its socket without a word: reload when it comes back
    let hiddenAt = 0;
    document.addEventListener("visibilitychange", () => {
      if (document.hidden) hiddenAt = Date.now();
      else if (this.signedOutAt === null && Date.now() - hiddenAt > HIDDEN_RELOAD_MS) void this.sync();
    });
    byId("details-close").addEventListener("click", () => byId<HTMLDialogElement>("details").close());
    byId("board").addEventListener("click", (event) => {
      const button = (event.target as HTMLElement).closest<HTMLButtonElement>("button[data-action]");
      const id = button?.closest<HTMLElement>("[data-order-id]")?.dataset.orderId;
      if (!button || !id) return;
      if (button.dataset.action === "move") void this.move(id, button.dataset.to as OrderStatus, button);
      if (button.dataset.action === "open") void this.open(id);
    });
    byId("board").addEventListener("change", (event) => {
      const select = (event.target as HTMLElement).closest<HTMLSelectElement>("select[data-action=assign]");
      const id = select?.closest<HTMLElement>("[data-order-id]")?.dataset.orderId;
      if (!select || !id) return;
      void this.assign(id, select.value || null, select);
    });
  }

  private showConnection(state: LiveState | "reloading" | "signed-out"): void {
    const element = byId("connection");
    const text = {
      online: TEXT.online,
      connecting: TEXT.connecting,
      offline: TEXT.offline,
      reloading: TEXT.reloading,
      "signed-out": TEXT.signedOut,
    }[state];
    element.dataset.state = state;
    element.textContent = text;
    byId("board").setAttribute("aria-busy", String(state === "reloading"));
  }

  private showBanner(kind: "renew" | "load-failed", text: string): void {
    this.banner = kind;
    byId("banner-text").textContent = text;
    byId("renew").hidden = kind !== "renew";
    byId("banner").hidden = false;
  }

  /** Hides the banner if it says `kind` (null: whatever it says). */
  private hideBanner(kind: "renew" | "load-failed" | null): void {
    if (kind !== null && this.banner !== kind) return;
    this.banner = null;
    byId("banner").hidden = true;
  }
}
