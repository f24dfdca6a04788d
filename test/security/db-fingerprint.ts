import pg from "pg";

/** Tables whose rows are a log of requests rather than data: a refused request may add to them. */
// sign_in_failure counts failed sign-ins: hostile sign-ins are meant to change it
const REQUEST_LOGS = new Set(["webhook_delivery", "_prisma_migrations", "sign_in_failure"]);

/**
 * A checksum of every row of every table (or of one shop's rows), read as the owner. Equal
 * fingerprints before and after a run mean the run changed nothing. Tables added later are
 * included without editing this file.
 */
export async function databaseFingerprint(
  query: (sql: string, params?: unknown[]) => Promise<pg.QueryResult>,
  shopId?: number,
): Promise<Record<string, string>> {
  const { rows: tables } = await query(`
    select c.relname as name,
           exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'shop_id' and not a.attisdropped) as has_shop
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`);
  const fingerprint: Record<string, string> = {};
  for (const table of tables) {
    if (REQUEST_LOGS.has(table.name)) continue;
    const name = pg.escapeIdentifier(table.name);
    const where =
      shopId === undefined
        ? ""
        : table.has_shop
          ? `where t.shop_id = ${Number(shopId)}`
          : table.name === "shop"
            ? `where t.id = ${Number(shopId)}`
            : null;
    if (where === null) continue;
    const { rows } = await query(
      `select count(*)::int as n, coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as sum from ${name} t ${where}`,
    );
    fingerprint[table.name] = `${rows[0].n}:${rows[0].sum}`;
  }
  return fingerprint;
}
