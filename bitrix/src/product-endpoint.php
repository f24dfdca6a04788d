<?php
declare(strict_types=1);

/**
 * PUT /api/v2/products/update-from-railway/{id}: cvety-graph's relay pushes a product's state
 * (subgraphs/catalog/bitrix-sync/relay.ts):
 *   Authorization: Bearer <BITRIX_API_TOKEN>, Idempotency-Key: <outbox id>,
 *   {"name": "…", "price": "5 000 ₸", "image": "https://…"|null, "description": "…"|null, "enabled": "Y"|"N"}
 * The relay retries 5xx, 408 and 429 and parks any other 4xx for a person, so this endpoint
 * answers 4xx only when resending the same request cannot help, and 503 when Bitrix itself
 * failed (the relay tries again later under the same key).
 */

/** Where products are written: the catalog in Bitrix (seam/bitrix.php) or a folder in tests. */
interface CvetyProductStore
{
    public function exists(int $id): bool;

    /** $fields: name, price (tiyn), description, image, enabled (bool). */
    public function update(int $id, array $fields): void;
}

/** Answers already given, by Idempotency-Key: one file per key under a folder. */
final class CvetyIdempotencyStore
{
    private string $dir;

    public function __construct(string $dir)
    {
        $this->dir = rtrim($dir, '/');
        if (!is_dir($this->dir) && !@mkdir($this->dir, 0770, true) && !is_dir($this->dir)) {
            throw new RuntimeException("cvety: cannot create {$this->dir}");
        }
    }

    /** Runs $work holding the key's lock, so two requests with one key never both apply. */
    public function locked(string $key, callable $work)
    {
        $lock = fopen($this->file($key) . '.lock', 'c');
        flock($lock, LOCK_EX);
        try {
            return $work();
        } finally {
            flock($lock, LOCK_UN);
            fclose($lock);
        }
    }

    public function find(string $key): ?array
    {
        $file = $this->file($key);
        return is_file($file) ? json_decode((string) file_get_contents($file), true) : null;
    }

    public function remember(string $key, string $fingerprint, array $answer): void
    {
        file_put_contents($this->file($key), json_encode(['fingerprint' => $fingerprint, 'answer' => $answer], JSON_UNESCAPED_UNICODE));
    }

    private function file(string $key): string
    {
        return $this->dir . '/' . hash('sha256', $key) . '.json';
    }
}

function cvety_answer(int $status, array $body, array $headers = []): array
{
    return ['status' => $status, 'headers' => $headers, 'body' => $body];
}

/**
 * The endpoint's logic on a plain request: method, path, headers (lower-case names), raw body.
 * Answers ['status', 'headers', 'body'].
 */
function cvety_product_update(array $request, array $config, CvetyProductStore $store, CvetyIdempotencyStore $keys): array
{
    $headers = $request['headers'];
    $token = (string) $config['api_token'];
    $given = preg_match('/^Bearer\s+(\S+)$/i', trim((string) ($headers['authorization'] ?? '')), $m) ? $m[1] : '';
    if ($token === '' || !hash_equals($token, $given)) {
        return cvety_answer(401, ['error' => 'Missing or wrong bearer token'], ['WWW-Authenticate' => 'Bearer']);
    }
    if (!in_array($request['method'], ['PUT', 'POST'], true)) {
        return cvety_answer(405, ['error' => 'Use PUT'], ['Allow' => 'PUT, POST']);
    }
    if (!preg_match('#/api/v2/products/update-from-railway/([1-9]\d{0,9})/?$#', (string) $request['path'], $m)) {
        return cvety_answer(404, ['error' => 'Expected /api/v2/products/update-from-railway/{product id}']);
    }
    $id = (int) $m[1];
    $key = trim((string) ($headers['idempotency-key'] ?? ''));
    if ($key === '') {
        return cvety_apply_product_update($id, (string) $request['body'], $store);
    }
    if (strlen($key) > 255) {
        return cvety_answer(400, ['error' => 'Idempotency-Key is longer than 255 characters', 'field' => 'Idempotency-Key']);
    }
    $fingerprint = hash('sha256', $id . "\n" . $request['body']);
    return $keys->locked($key, static function () use ($key, $fingerprint, $id, $request, $store, $keys) {
        $seen = $keys->find($key);
        if ($seen !== null) {
            if ($seen['fingerprint'] !== $fingerprint) {
                return cvety_answer(422, ['error' => "Idempotency-Key {$key} was already used for a different request"]);
            }
            return $seen['answer'] + ['replayed' => true];
        }
        $answer = cvety_apply_product_update($id, (string) $request['body'], $store);
        if ($answer['status'] < 500) {
            $keys->remember($key, $fingerprint, $answer);
        }
        return $answer;
    });
}

/** Validates the body and writes the product; 4xx naming the field, 503 when the store failed. */
function cvety_apply_product_update(int $id, string $raw, CvetyProductStore $store): array
{
    $body = json_decode($raw, true);
    if (!is_array($body) || array_is_list($body) && $body !== []) {
        return cvety_answer(400, ['error' => 'The body must be a JSON object']);
    }
    $fields = cvety_product_fields($body);
    if (isset($fields['error'])) {
        return cvety_answer($fields['status'], ['error' => $fields['error'], 'field' => $fields['field']]);
    }
    try {
        if (!$store->exists($id)) {
            return cvety_answer(404, ['error' => "Product {$id} does not exist in Bitrix"]);
        }
        $store->update($id, $fields);
    } catch (Throwable $error) {
        error_log('cvety product update failed: ' . $error->getMessage());
        return cvety_answer(503, ['error' => 'Bitrix could not save the product; retry later'], ['Retry-After' => '30']);
    }
    return cvety_answer(200, ['status' => 'ok', 'product_id' => $id]);
}

/** The body's fields, or ['error', 'field', 'status'] for the first one at fault. */
function cvety_product_fields(array $body): array
{
    $fail = static fn (string $field, string $error, int $status = 400) => ['error' => $error, 'field' => $field, 'status' => $status];
    $name = $body['name'] ?? null;
    if (!is_string($name) || trim($name) === '' || iconv_strlen($name, 'UTF-8') > 255) {
        return $fail('name', 'Field "name" must be a non-empty string of at most 255 characters');
    }
    $price = cvety_parse_price($body['price'] ?? null);
    if ($price === null) {
        return $fail('price', 'Field "price" is not a price (send "5 000 ₸" or tiyn as an integer)', 422);
    }
    $description = $body['description'] ?? null;
    if ($description !== null && !is_string($description)) {
        return $fail('description', 'Field "description" must be a string or null');
    }
    $image = $body['image'] ?? null;
    if ($image !== null && (!is_string($image) || !preg_match('#^https?://\S+$#', $image))) {
        return $fail('image', 'Field "image" must be an http(s) URL or null');
    }
    $enabled = $body['enabled'] ?? 'Y';
    if (!in_array($enabled, ['Y', 'N', true, false], true)) {
        return $fail('enabled', 'Field "enabled" must be "Y" or "N"');
    }
    return ['name' => trim($name), 'price' => $price, 'description' => $description, 'image' => $image, 'enabled' => $enabled === 'Y' || $enabled === true];
}

/** Sends an answer from cvety_product_update() with PHP's own response functions. */
function cvety_send_answer(array $answer): void
{
    http_response_code($answer['status']);
    header('Content-Type: application/json; charset=utf-8');
    foreach ($answer['headers'] as $name => $value) {
        header("{$name}: {$value}");
    }
    echo json_encode($answer['body'] + (!empty($answer['replayed']) ? ['replayed' => true] : []), JSON_UNESCAPED_UNICODE);
}

/** The current request as cvety_product_update() takes it. */
function cvety_current_request(): array
{
    $headers = [];
    foreach ($_SERVER as $name => $value) {
        if (strpos($name, 'HTTP_') === 0) {
            $headers[strtolower(str_replace('_', '-', substr($name, 5)))] = $value;
        }
    }
    // Apache in CGI mode hides Authorization unless it is passed on (README: REDIRECT_HTTP_AUTHORIZATION)
    if (!isset($headers['authorization']) && isset($_SERVER['REDIRECT_HTTP_AUTHORIZATION'])) {
        $headers['authorization'] = $_SERVER['REDIRECT_HTTP_AUTHORIZATION'];
    }
    return [
        'method' => $_SERVER['REQUEST_METHOD'] ?? 'GET',
        'path' => parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH),
        'headers' => $headers,
        'body' => (string) file_get_contents('php://input'),
    ];
}
