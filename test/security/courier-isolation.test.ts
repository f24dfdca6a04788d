/**
 * Courier isolation, generated from the composed supergraph like the tenant isolation test: a
 * COURIER of shop 17008 probes every root query, mutation and entity with the values another
 * courier of the same shop sees (their orders, and the orders' history, photos, payments). A
 * courier sees only the orders assigned to them (row-level security, migration 20261206235500),
 * so another courier's order must look exactly like a missing one. Products, stock and users
 * are the shop's, shared by both, and are not probed here.
 */
import { PROD_SHOP } from "../harness";
import { defineIsolationSuite } from "./isolation-suite";

defineIsolationSuite({
  attacker: { shopId: PROD_SHOP, role: "COURIER" },
  victim: { shopId: PROD_SHOP, role: "COURIER" },
  privateTypes: ["Order"],
});
