/** `npm run token -- --shop 17008 --role ADMIN [--user 1] [--ttl 3600]`: prints a signed dev token. */
import { parseArgs } from "node:util";
import { loadConfig } from "../core/config";
import { ROLES, signToken, type Role } from "../core/auth";

const { values } = parseArgs({
  options: { shop: { type: "string", default: "17008" }, role: { type: "string", default: "ADMIN" }, user: { type: "string" }, ttl: { type: "string" } },
});
const shopId = Number(values.shop);
const role = String(values.role).toUpperCase() as Role;
if (!Number.isInteger(shopId) || shopId <= 0) {
  console.error(`--shop must be a positive integer, got ${values.shop}`);
  process.exit(2);
}
if (!ROLES.includes(role)) {
  console.error(`--role must be one of ${ROLES.join(", ")}, got ${values.role}`);
  process.exit(2);
}
const config = loadConfig();
const ttl = values.ttl ? Number(values.ttl) : undefined;
console.log(signToken({ userId: values.user ?? `dev-${role.toLowerCase()}`, shopId, role }, config.jwtSecrets[0], ttl));
