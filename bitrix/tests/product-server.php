<?php
declare(strict_types=1);

/**
 * Router script for `php -S` in bitrix/bitrix-php.test.ts: the product endpoint with a folder
 * of JSON files standing in for Bitrix's catalog (CVETY_TEST_PRODUCTS_DIR/<id>.json). Each
 * update is appended to the product's "updates" list, so a test can count them.
 */
require_once __DIR__ . '/../cvety.php';

final class CvetyFolderProductStore implements CvetyProductStore
{
    public function __construct(private string $dir)
    {
    }

    public function exists(int $id): bool
    {
        return is_file("{$this->dir}/{$id}.json");
    }

    public function update(int $id, array $fields): void
    {
        $file = "{$this->dir}/{$id}.json";
        $product = json_decode((string) file_get_contents($file), true);
        $product['updates'][] = $fields;
        $product = array_merge($product, $fields);
        file_put_contents($file, json_encode($product, JSON_UNESCAPED_UNICODE));
    }
}

$config = cvety_config();
cvety_send_answer(cvety_product_update(cvety_current_request(), $config, new CvetyFolderProductStore((string) getenv('CVETY_TEST_PRODUCTS_DIR')), new CvetyIdempotencyStore($config['idempotency_dir'])));
