-- The relay's claim takes the few oldest due rows of a shop, each only if no older row of its
-- product is still pending. With a backlog those were a scan and a sort of every pending row
-- per claim (tens of ms at 1,000 pending, on the cores the requests need); these two partial
-- indexes make a claim read about as many rows as it takes.
CREATE INDEX "bitrix_outbox_due" ON "bitrix_outbox" ("shop_id", "next_attempt_at", "id") WHERE "state" = 'PENDING';
CREATE INDEX "bitrix_outbox_pending_by_product" ON "bitrix_outbox" ("product_id", "id") WHERE "state" = 'PENDING';
