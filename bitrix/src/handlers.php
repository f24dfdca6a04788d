<?php
declare(strict_types=1);

/**
 * What the Bitrix event handlers do, minus Bitrix: queue the body, then try to send what is due.
 * seam/bitrix.php turns Bitrix's events into the snapshots these take.
 *
 * Config (cvety_config()): api_url (cvety-graph's origin), secret (WEBHOOK_SECRET), queue_dir,
 * timeout (seconds), backoff_base_ms, backoff_max_ms, max_attempts, api_token (the product
 * endpoint's BITRIX_API_TOKEN), idempotency_dir.
 */

/** Settings from constants (define() in init.php) or the environment, with defaults. */
function cvety_config(array $overrides = []): array
{
    $read = static function (string $name, $default) {
        if (defined($name)) {
            return constant($name);
        }
        $value = getenv($name);
        return $value === false || $value === '' ? $default : $value;
    };
    $base = sys_get_temp_dir() . '/cvety';
    return array_merge([
        'api_url' => rtrim((string) $read('CVETY_API_URL', 'http://localhost:4000'), '/'),
        'secret' => (string) $read('CVETY_WEBHOOK_SECRET', ''),
        'queue_dir' => (string) $read('CVETY_QUEUE_DIR', $base . '/queue'),
        'timeout' => (int) $read('CVETY_TIMEOUT_SECONDS', 10),
        'backoff_base_ms' => (int) $read('CVETY_BACKOFF_BASE_MS', 5000),
        'backoff_max_ms' => (int) $read('CVETY_BACKOFF_MAX_MS', 3600000),
        'max_attempts' => (int) $read('CVETY_MAX_ATTEMPTS', 200),
        'api_token' => (string) $read('CVETY_BITRIX_API_TOKEN', ''),
        'idempotency_dir' => (string) $read('CVETY_IDEMPOTENCY_DIR', $base . '/idempotency'),
    ], $overrides);
}

function cvety_queue(array $config): CvetyQueue
{
    return new CvetyQueue($config['queue_dir'], $config);
}

/** Sends what is due in the queue (the event handlers, the agent and bin/drain.php call it). */
function cvety_drain(array $config, ?float $now = null): array
{
    $send = static function (string $path, array $body) use ($config): array {
        return cvety_post_json($config['api_url'] . $path, $config['secret'], $body, $config['timeout']);
    };
    return cvety_queue($config)->drain($send, $now);
}

/** OnSaleOrderSaved: the whole order to the order webhook. */
function cvety_on_order_saved(array $snapshot, array $config): array
{
    cvety_queue($config)->enqueue(CVETY_ORDER_SYNC_PATH, cvety_order_body($snapshot));
    return cvety_drain($config);
}

/** OnSaleStatusOrderChange: the new status to the status webhook. */
function cvety_on_status_change(int $orderId, string $status, $changedById, ?string $notes, array $config): array
{
    cvety_queue($config)->enqueue(CVETY_ORDER_STATUS_PATH, cvety_status_body($orderId, $status, $changedById, $notes));
    return cvety_drain($config);
}
