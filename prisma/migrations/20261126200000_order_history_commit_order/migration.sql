-- The live order board delivers history in commit-safe order: by the id of the writing
-- transaction, then by row id. A row is handed out only once every transaction with a
-- smaller xid has finished (xact_id < pg_snapshot_xmin(pg_current_snapshot())), so nothing
-- can later appear before a position a board has already passed. See docs/live-order-board.md.
ALTER TABLE "order_history" ADD COLUMN "xact_id" xid8 NOT NULL DEFAULT pg_current_xact_id();

CREATE INDEX "order_history_shop_id_xact_id_id_idx" ON "order_history" ("shop_id", "xact_id", "id");
