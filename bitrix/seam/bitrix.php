<?php
declare(strict_types=1);

/**
 * The seam: the only code that touches Bitrix's classes. It turns Bitrix's sale events into
 * the plain snapshots src/ works on, and writes products into the catalog module. Nothing here
 * decides anything; bitrix/bitrix-php.test.ts tests everything behind it with `php`.
 *
 * Include from /local/php_interface/init.php (README "Bitrix side"):
 *   require_once $_SERVER['DOCUMENT_ROOT'] . '/local/cvety/seam/bitrix.php';
 */

require_once __DIR__ . '/../cvety.php';

use Bitrix\Main\Event;
use Bitrix\Main\EventManager;
use Bitrix\Sale\Order;

/** Order property codes of this Bitrix site; override with define('CVETY_PROPERTY_CODES', [...]). */
function cvety_bitrix_property_codes(): array
{
    return (defined('CVETY_PROPERTY_CODES') ? CVETY_PROPERTY_CODES : []) + [
        'customer_name' => 'NAME', 'customer_phone' => 'PHONE',
        'recipient_name' => 'RECIPIENT_NAME', 'recipient_phone' => 'RECIPIENT_PHONE',
        'address' => 'ADDRESS', 'from' => 'DELIVERY_FROM', 'to' => 'DELIVERY_TO',
        'card_text' => 'CARD_TEXT', 'pickup' => 'PICKUP',
    ];
}

/** Bitrix payment system names to our payment methods. */
function cvety_bitrix_payment_method(string $name): string
{
    $name = mb_strtolower($name);
    if (strpos($name, 'kaspi') !== false) {
        return 'KASPI';
    }
    if (strpos($name, 'нал') !== false || strpos($name, 'cash') !== false) {
        return 'CASH';
    }
    if (strpos($name, 'перевод') !== false || strpos($name, 'transfer') !== false) {
        return 'TRANSFER';
    }
    return 'CARD';
}

function cvety_bitrix_time($value): ?string
{
    if ($value instanceof \Bitrix\Main\Type\DateTime) {
        return (new DateTimeImmutable('@' . $value->getTimestamp()))->setTimezone(new DateTimeZone(date_default_timezone_get()))->format(DATE_ATOM);
    }
    return $value ? (string) $value : null;
}

/** The plain snapshot of a Bitrix order that src/bodies.php turns into the webhook body. */
function cvety_bitrix_order_snapshot(Order $order): array
{
    $codes = cvety_bitrix_property_codes();
    $properties = $order->getPropertyCollection();
    $prop = static function (string $key) use ($properties, $codes) {
        $property = $properties->getItemByOrderPropertyCode($codes[$key]);
        return $property ? $property->getValue() : null;
    };
    $items = [];
    foreach ($order->getBasket() as $item) {
        $items[] = ['product_id' => $item->getProductId(), 'name' => $item->getField('NAME'), 'quantity' => $item->getQuantity(), 'price' => $item->getPrice()];
    }
    $payments = [];
    foreach ($order->getPaymentCollection() as $payment) {
        $payments[] = [
            'method' => cvety_bitrix_payment_method((string) $payment->getPaymentSystemName()),
            'amount' => $payment->getSum(),
            'external_id' => (string) ($payment->getField('PS_INVOICE_ID') ?: 'bitrix-payment-' . $payment->getId()),
            'paid' => $payment->isPaid(),
        ];
    }
    return [
        'id' => $order->getId(),
        'status' => $order->getField('STATUS_ID'),
        'updated_at' => cvety_bitrix_time($order->getField('DATE_UPDATE')) ?? date(DATE_ATOM),
        'customer' => ['name' => $prop('customer_name'), 'phone' => $prop('customer_phone')],
        'recipient' => ['name' => $prop('recipient_name'), 'phone' => $prop('recipient_phone')],
        'delivery' => [
            'kind' => in_array($prop('pickup'), ['Y', true], true) ? 'PICKUP' : 'DELIVERY',
            'address' => $prop('address'), 'from' => $prop('from'), 'to' => $prop('to'),
            'fee' => $order->getDeliveryPrice(),
        ],
        'card_text' => $prop('card_text'),
        'comment' => $order->getField('USER_DESCRIPTION'),
        'items' => $items,
        'payments' => $payments,
    ];
}

function cvety_bitrix_log(Throwable $error): void
{
    // never the secret or the body: only what failed
    if (function_exists('AddMessage2Log')) {
        AddMessage2Log('cvety: ' . $error->getMessage(), 'cvety');
    } else {
        error_log('cvety: ' . $error->getMessage());
    }
}

/** OnSaleOrderSaved. A failure never breaks the save in Bitrix: the delivery is queued first. */
function cvety_bitrix_on_order_saved(Event $event): void
{
    try {
        cvety_on_order_saved(cvety_bitrix_order_snapshot($event->getParameter('ENTITY')), cvety_config());
    } catch (Throwable $error) {
        cvety_bitrix_log($error);
    }
}

/** OnSaleStatusOrderChange: ENTITY is the order, VALUE the new status code. */
function cvety_bitrix_on_status_change(Event $event): void
{
    try {
        global $USER;
        $order = $event->getParameter('ENTITY');
        $changedBy = is_object($USER) && $USER->GetID() ? (int) $USER->GetID() : null;
        cvety_on_status_change((int) $order->getId(), (string) $event->getParameter('VALUE'), $changedBy, null, cvety_config());
    } catch (Throwable $error) {
        cvety_bitrix_log($error);
    }
}

/** A Bitrix agent (CAgent): sends what the queue holds; returns itself to run again. */
function cvety_bitrix_drain_agent(): string
{
    try {
        cvety_drain(cvety_config());
    } catch (Throwable $error) {
        cvety_bitrix_log($error);
    }
    return 'cvety_bitrix_drain_agent();';
}

/** Products in Bitrix's catalog (iblock element + base price), for the product endpoint. */
final class CvetyBitrixProductStore implements CvetyProductStore
{
    public function __construct()
    {
        \Bitrix\Main\Loader::includeModule('iblock');
        \Bitrix\Main\Loader::includeModule('catalog');
    }

    public function exists(int $id): bool
    {
        return (bool) \CIBlockElement::GetByID($id)->Fetch();
    }

    public function update(int $id, array $fields): void
    {
        $element = new \CIBlockElement();
        $changes = ['NAME' => $fields['name'], 'DETAIL_TEXT' => (string) $fields['description'], 'ACTIVE' => $fields['enabled'] ? 'Y' : 'N'];
        if ($fields['image']) {
            $changes['DETAIL_PICTURE'] = \CFile::MakeFileArray($fields['image']);
        }
        if (!$element->Update($id, $changes)) {
            throw new RuntimeException('CIBlockElement::Update: ' . $element->LAST_ERROR);
        }
        if (!\CPrice::SetBasePrice($id, $fields['price'] / 100, 'KZT')) {
            throw new RuntimeException('CPrice::SetBasePrice failed');
        }
    }
}

EventManager::getInstance()->addEventHandler('sale', 'OnSaleOrderSaved', 'cvety_bitrix_on_order_saved');
EventManager::getInstance()->addEventHandler('sale', 'OnSaleStatusOrderChange', 'cvety_bitrix_on_status_change');
