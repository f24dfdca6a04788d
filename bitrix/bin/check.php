<?php
declare(strict_types=1);

/**
 * One-command check that cvety-graph's webhook works from this server: posts a status change
 * for a Bitrix order that does not exist (order 0), which changes nothing, and reads the answer.
 *   CVETY_API_URL=https://api.cvety.kz CVETY_WEBHOOK_SECRET=… php bin/check.php
 * Exit 0 and "ok" when the URL, the secret and the server are right; else 1 and what is wrong.
 */
require_once __DIR__ . '/../cvety.php';

$config = cvety_config();
$answer = cvety_post_json($config['api_url'] . CVETY_ORDER_STATUS_PATH, $config['secret'], cvety_status_body(0, 'N'), $config['timeout']);
$body = json_decode($answer['body'], true);
$problems = [
    0 => "cannot reach {$config['api_url']}: {$answer['body']}",
    401 => 'the server refused the secret: set CVETY_WEBHOOK_SECRET to its WEBHOOK_SECRET',
    503 => 'the server is up but its database is not; try again later',
];
if ($answer['status'] === 200 && is_array($body) && ($body['status'] ?? null) === 'skipped') {
    $queued = count(cvety_queue($config)->pending());
    echo "ok: {$config['api_url']} accepts signed webhooks; {$queued} deliveries waiting in {$config['queue_dir']}\n";
    exit(0);
}
fwrite(STDERR, 'not ok: ' . ($problems[$answer['status']] ?? "unexpected answer {$answer['status']}: {$answer['body']}") . "\n");
exit(1);
