import WebSocket from "ws";
import { createClient, type Client } from "graphql-ws";

/**
 * A live board as the board page runs it (board/src/live.ts): one subscription, and when the
 * socket closes for any reason but a refused token it reconnects with `after` = the last event
 * it applied, so it misses nothing and sees nothing twice.
 */
const SUBSCRIPTION = `subscription($after: ID) { orderStatusChanged(after: $after) { historyId } }`;
const REFUSED = new Set([4401, 4403]);

export class ResumingSubscriber {
  /** history ids in the order they arrived */
  readonly received: string[] = [];
  reconnects = 0;
  /** close codes the server sent */
  readonly closeCodes: number[] = [];
  /** a refusal that stopped it (a bad token): the test reports it */
  refused: string | null = null;
  private client: Client | null = null;
  private running = true;
  private attempt = 0;

  constructor(
    readonly name: string,
    private readonly url: string,
    private readonly token: string,
    /** the history id it starts behind */
    readonly startedAfter: string,
  ) {
    this.connect();
  }

  private get cursor(): string {
    return this.received.at(-1) ?? this.startedAfter;
  }

  private connect(): void {
    const client = (this.client = createClient({
      url: this.url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${this.token}` },
      retryAttempts: 0,
      lazy: true,
      on: { closed: (event) => this.closeCodes.push((event as { code: number }).code) },
    }));
    client.subscribe<{ orderStatusChanged: { historyId: string } }>(
      { query: SUBSCRIPTION, variables: { after: this.cursor } },
      {
        next: (result) => {
          if (client !== this.client) return;
          this.attempt = 0;
          const id = result.data?.orderStatusChanged.historyId;
          if (id) this.received.push(id);
        },
        error: (error) => client === this.client && this.lost(error),
        complete: () => client === this.client && this.lost(null),
      },
    );
  }

  private lost(error: unknown): void {
    const code = (error as { code?: number } | null)?.code;
    void this.client?.dispose();
    this.client = null;
    if (!this.running) return;
    if (code !== undefined && REFUSED.has(code)) {
      this.refused = `closed with ${code}`;
      return;
    }
    this.reconnects++;
    // the board page's backoff: from 250 ms, doubling to 4 s, with jitter
    const delay = Math.min(4_000, 250 * 2 ** this.attempt++) * (0.5 + Math.random() / 2);
    setTimeout(() => this.running && this.connect(), delay);
  }

  async close(): Promise<void> {
    this.running = false;
    await this.client?.dispose();
    this.client = null;
  }
}
