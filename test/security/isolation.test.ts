/**
 * Tenant isolation, generated from the composed supergraph: shop 8's ADMIN probes everything of
 * shop 17008 (see isolation-suite.ts for what is probed and what fails).
 */
import { DEV_SHOP, PROD_SHOP } from "../harness";
import { defineIsolationSuite } from "./isolation-suite";

defineIsolationSuite({
  attacker: { shopId: DEV_SHOP, role: "ADMIN" },
  victim: { shopId: PROD_SHOP, role: "ADMIN" },
  privateTypes: "all",
});
