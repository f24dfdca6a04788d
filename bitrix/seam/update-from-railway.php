<?php
/**
 * The public script behind /api/v2/products/update-from-railway/{id} (urlrewrite.php rule in
 * README "Bitrix side"). Bitrix's prolog, then the plain-PHP endpoint with Bitrix's catalog.
 */
define('NO_KEEP_STATISTIC', true);
define('NOT_CHECK_PERMISSIONS', true);
define('STOP_STATISTICS', true);
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';
require_once __DIR__ . '/bitrix.php';

$config = cvety_config();
cvety_send_answer(cvety_product_update(cvety_current_request(), $config, new CvetyBitrixProductStore(), new CvetyIdempotencyStore($config['idempotency_dir'])));
