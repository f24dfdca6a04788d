import client from "prom-client";
import type { Metrics } from "../metrics";
import type { BoardHub, HubMetrics } from "./hub";

/** Gauges read from the hub when /metrics is scraped. */
function hubGauges(registers: client.Registry[], hub: () => BoardHub | undefined): void {
  new client.Gauge({
    name: "board_subscribers",
    help: "Live order board subscriptions on this router: live (attached to the stream) or starting (replaying)",
    labelNames: ["state"] as const,
    registers,
    collect() {
      const total = hub()?.subscriberCount ?? 0;
      const live = hub()?.liveCount ?? 0;
      this.set({ state: "live" }, live);
      this.set({ state: "starting" }, total - live);
    },
  });
  new client.Gauge({
    name: "board_dispatches_waiting",
    help: "Pages of shops' feeds waiting for a turn to be read and resolved (BOARD_CONCURRENT_DISPATCHES at a time); steadily above 0, the router's boards lag behind their shops",
    registers,
    collect() {
      this.set(hub()?.turns.waiting ?? 0);
    },
  });
  new client.Gauge({
    name: "board_feed_held_seconds",
    help: "How long the longest-held shop's board has waited on an older transaction still open in PostgreSQL (0: none waits); alert when it stays above a second",
    registers,
    collect() {
      this.set((hub()?.heldMs ?? 0) / 1000);
    },
  });
}

/** The live board's instruments on the router's registry: what the hub and the listener report. */
export function boardMetrics(
  metrics: Metrics,
  hub: () => BoardHub | undefined,
): HubMetrics & { listenerState(connected: boolean): void } {
  const registers = [metrics.registry];
  hubGauges(registers, hub);
  const counter = (name: string, help: string) => new client.Counter({ name, help, registers });
  const events = counter("board_events_total", "History rows dispatched to live boards");
  const deliveries = counter("board_deliveries_total", "Events sent to board subscribers");
  const dropped = counter("board_dropped_subscribers_total", "Subscribers dropped for falling too far behind");
  const resolutions = counter("board_resolutions_total", "Events queries sent through the gateway");
  const lag = new client.Histogram({
    name: "board_delivery_lag_seconds",
    help: "From the history row's creation to its hand-over to the socket",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const listener = new client.Gauge({
    name: "board_listener_connected",
    help: "1 while the LISTEN connection is up",
    registers,
  });
  return {
    eventDispatched: () => events.inc(),
    delivered: (at: Date | undefined) => {
      deliveries.inc();
      if (at) lag.observe(Math.max(0, (Date.now() - at.getTime()) / 1000));
    },
    dropped: () => dropped.inc(),
    resolution: () => resolutions.inc(),
    listenerState: (connected: boolean) => listener.set(connected ? 1 : 0),
  };
}
