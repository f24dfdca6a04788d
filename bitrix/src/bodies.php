<?php
declare(strict_types=1);

/**
 * The bodies cvety-graph's webhooks take (CONTRACT.md: "Bitrix order status webhook" and
 * "Bitrix order webhook"), built from a plain snapshot of a Bitrix order. The snapshot is what
 * seam/bitrix.php reads out of Bitrix's classes; everything here is plain PHP and tested
 * outside Bitrix (bitrix/bitrix-php.test.ts).
 *
 * Snapshot:
 *   ['id' => 123456, 'status' => 'N', 'updated_at' => DateTimeInterface|string,
 *    'customer' => ['name' => …, 'phone' => …], 'recipient' => ['name' => …, 'phone' => …],
 *    'delivery' => ['kind' => 'DELIVERY'|'PICKUP', 'address' => …, 'from' => …, 'to' => …, 'fee' => 1500.0],
 *    'card_text' => …, 'comment' => …,
 *    'items' => [['product_id' => 668826, 'name' => …, 'quantity' => 1, 'price' => 5000.0], …],
 *    'payments' => [['method' => 'KASPI', 'amount' => 5000.0, 'external_id' => '…', 'paid' => true], …]]
 * Money in the snapshot is tenge as Bitrix keeps it; the bodies carry integer tiyn.
 */

const CVETY_ORDER_STATUS_PATH = '/api/v1/webhooks/order-status-sync';
const CVETY_ORDER_SYNC_PATH = '/api/v1/webhooks/order-sync';

/** ISO 8601 with the offset, to the second: "2026-12-01T10:00:00+05:00". */
function cvety_iso_time($value): string
{
    if ($value instanceof DateTimeInterface) {
        return $value->format(DATE_ATOM);
    }
    return (new DateTimeImmutable((string) $value))->format(DATE_ATOM);
}

function cvety_text($value): ?string
{
    if ($value === null) {
        return null;
    }
    $text = trim((string) $value);
    return $text === '' ? null : $text;
}

function cvety_person(?array $person): ?array
{
    if (!$person) {
        return null;
    }
    return ['name' => cvety_text($person['name'] ?? null), 'phone' => cvety_text($person['phone'] ?? null)];
}

/** The status webhook's body for a status change Bitrix just made. */
function cvety_status_body(int $orderId, string $status, $changedById = null, ?string $notes = null): array
{
    $body = ['order_id' => $orderId, 'status' => $status];
    if ($changedById !== null && $changedById !== '') {
        $body['changed_by_id'] = is_numeric($changedById) ? (int) $changedById : (string) $changedById;
    }
    if (cvety_text($notes) !== null) {
        $body['notes'] = cvety_text($notes);
    }
    return $body;
}

/** The order webhook's body: the whole order as Bitrix has it. Only paid payments are sent. */
function cvety_order_body(array $order): array
{
    $delivery = $order['delivery'] ?? [];
    $items = [];
    foreach ($order['items'] ?? [] as $item) {
        $items[] = [
            'product_id' => (int) $item['product_id'],
            'name' => (string) $item['name'],
            'quantity' => (int) round((float) $item['quantity']),
            'price' => cvety_tenge_to_tiyn($item['price']),
        ];
    }
    $payments = [];
    foreach ($order['payments'] ?? [] as $payment) {
        if (empty($payment['paid'])) {
            continue;
        }
        $payments[] = [
            'method' => (string) $payment['method'],
            'amount' => cvety_tenge_to_tiyn($payment['amount']),
            'external_id' => (string) $payment['external_id'],
        ];
    }
    return [
        'order_id' => (int) $order['id'],
        'status' => (string) $order['status'],
        'updated_at' => cvety_iso_time($order['updated_at']),
        'customer' => cvety_person($order['customer'] ?? null),
        'recipient' => cvety_person($order['recipient'] ?? null),
        'delivery' => [
            'kind' => ($delivery['kind'] ?? 'DELIVERY') === 'PICKUP' ? 'PICKUP' : 'DELIVERY',
            'address' => cvety_text($delivery['address'] ?? null),
            'from' => isset($delivery['from']) && $delivery['from'] !== '' ? cvety_iso_time($delivery['from']) : null,
            'to' => isset($delivery['to']) && $delivery['to'] !== '' ? cvety_iso_time($delivery['to']) : null,
            'fee' => cvety_tenge_to_tiyn($delivery['fee'] ?? 0),
        ],
        'card_text' => cvety_text($order['card_text'] ?? null),
        'comment' => cvety_text($order['comment'] ?? null),
        'items' => $items,
        'payments' => $payments,
    ];
}
