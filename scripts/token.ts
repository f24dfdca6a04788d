/**
 * `npm run token -- --shop 17008 --role ADMIN [--user 1] [--ttl 3600]`: prints a signed dev token,
 * by default for the seeded demo user of that shop and role (the router accepts tokens of
 * existing, active users with that role only).
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../core/config";
import { ROLES, signToken, type Role } from "../core/auth";
import { seededUserId } from "../prisma/seed-data";

const { values } = parseArgs({
  options: {
    shop: { type: "string", default: "17008" },
    role: { type: "string", default: "ADMIN" },
    user: { type: "string" },
    ttl: { type: "string" },
  },
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
const userId = values.user ?? seededUserId(shopId, role);
if (userId === null || userId === undefined) {
  console.error(`shop ${shopId} has no seeded users; pass --user <id>`);
  process.exit(2);
}
console.log(signToken({ userId: String(userId), shopId, role }, config.jwtSecrets[0], ttl));
