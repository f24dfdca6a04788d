<?php
declare(strict_types=1);

/**
 * Money on the wire. cvety-graph counts tiyn (1/100 tenge) as integers; Bitrix keeps tenge as
 * floats and shows them as "5 000 ₸". Both directions are here so the handlers and the product
 * endpoint read and write prices one way.
 */

/** Tenge as Bitrix stores them (5000.0) to integer tiyn (500000). */
function cvety_tenge_to_tiyn($tenge): int
{
    return (int) round(((float) $tenge) * 100);
}

/** Integer tiyn to "5 000 ₸" (a comma before tiyn, only when the amount is not whole). */
function cvety_format_price(int $tiyn): string
{
    $sign = $tiyn < 0 ? '-' : '';
    $abs = abs($tiyn);
    $whole = number_format(intdiv($abs, 100), 0, '', ' ');
    $fraction = $abs % 100;
    return $sign . $whole . ($fraction ? ',' . str_pad((string) $fraction, 2, '0', STR_PAD_LEFT) : '') . ' ₸';
}

/**
 * A price as our relay sends it ("5 000 ₸", "4 950,50 ₸", "5000") or integer tiyn, to tiyn.
 * Null when it is not a price.
 */
function cvety_parse_price($value): ?int
{
    if (is_int($value)) {
        return $value >= 0 && $value <= 1000000000 ? $value : null;
    }
    if (!is_string($value) || strlen($value) > 40) {
        return null;
    }
    $text = preg_replace('/\s*(₸|тг\.?|тенге|kzt)\s*$/iu', '', trim($value));
    $text = preg_replace("/[\\s\\x{00A0}\\x{2007}\\x{2009}\\x{202F}']/u", '', (string) $text);
    if (!preg_match('/^(\d{1,8})(?:[.,](\d{1,2}))?$/', (string) $text, $match)) {
        return null;
    }
    $tiyn = (int) $match[1] * 100 + (int) str_pad($match[2] ?? '0', 2, '0');
    return $tiyn <= 1000000000 ? $tiyn : null;
}
