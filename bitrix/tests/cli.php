<?php
declare(strict_types=1);

/**
 * Driver for bitrix/bitrix-php.test.ts: runs one handler step the way the Bitrix event would,
 * with the snapshot or arguments as JSON on stdin and the settings in the environment, and
 * prints the outcome as JSON.
 *   php cli.php order-body     < snapshot   the order webhook's body
 *   php cli.php order-saved    < snapshot   OnSaleOrderSaved: queue, then drain
 *   php cli.php status-change  < {order_id, status, changed_by_id, notes}
 *   php cli.php drain          [now]        send what is due (now: a unix time, to skip the wait)
 *   php cli.php queue                       what is queued and what failed
 *   php cli.php price          < "5 000 ₸"
 */
require_once __DIR__ . '/../cvety.php';

$input = json_decode((string) stream_get_contents(STDIN), true);
$config = cvety_config();
$queue = static fn () => cvety_queue($config);
$queued = static fn () => ['pending' => array_map(fn ($n) => $queue()->read($n), $queue()->pending()), 'failed' => $queue()->failed()];

switch ($argv[1] ?? '') {
    case 'order-body':
        $out = cvety_order_body($input);
        break;
    case 'order-saved':
        $out = cvety_on_order_saved($input, $config);
        break;
    case 'status-change':
        $out = cvety_on_status_change((int) $input['order_id'], (string) $input['status'], $input['changed_by_id'] ?? null, $input['notes'] ?? null, $config);
        break;
    case 'drain':
        $out = cvety_drain($config, isset($argv[2]) ? (float) $argv[2] : null);
        break;
    case 'queue':
        $out = $queued();
        break;
    case 'price':
        $out = ['tiyn' => cvety_parse_price($input), 'formatted' => is_int($input) ? cvety_format_price($input) : null];
        break;
    default:
        fwrite(STDERR, "unknown command\n");
        exit(2);
}
echo json_encode($out, JSON_UNESCAPED_UNICODE), "\n";
