-- The announcement also says what kind of entry was written and, for a status change, the new
-- status: the stock consumer wakes only for ASSEMBLED and the live board only for status
-- changes, instead of both re-reading the table on every note, photo and status.
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
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
