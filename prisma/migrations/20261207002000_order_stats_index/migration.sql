-- shopStats (subgraphs/orders/stats.ts) reads every order of a range: with what it groups by in
-- the index, that is an index-only scan (no visit to the table's rows for recent, vacuumed pages).
CREATE INDEX order_stats_idx ON "order" (shop_id, created_at) INCLUDE (status, total, bitrix_order_id, delivery_kind, id);
