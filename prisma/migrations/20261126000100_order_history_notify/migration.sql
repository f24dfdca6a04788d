-- Every committed history row is announced to listeners (the live order board).
-- NOTIFY is delivered only when the inserting transaction commits, so listeners never
-- see a change that was rolled back. The payload stays small: listeners read the row.
CREATE OR REPLACE FUNCTION notify_order_history() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify(
    'order_status_changed',
    json_build_object('id', NEW.id::text, 'shopId', NEW.shop_id, 'orderId', NEW.order_id)::text
  );
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER order_history_notify
  AFTER INSERT ON order_history
  FOR EACH ROW EXECUTE FUNCTION notify_order_history();
