-- The live board's wake-up, apart from the announcement the stock consumer reads: the shop id
-- of a committed history row and nothing else (the router holds no business data; it reads the
-- feed through the orders subgraph). PostgreSQL folds equal notifications of one transaction,
-- so a transaction writing many rows of one shop wakes the boards once.
CREATE OR REPLACE FUNCTION notify_order_history() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify(
    'order_status_changed',
    json_build_object(
      'id', NEW.id::text,
      'shopId', NEW.shop_id,
      'orderId', NEW.order_id,
      'kind', NEW.kind::text,
      'newStatus', NEW.new_status::text
    )::text
  );
  PERFORM pg_notify('order_feed_moved', NEW.shop_id::text);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
