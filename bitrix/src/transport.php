<?php
declare(strict_types=1);

/**
 * One signed POST to cvety-graph. PHP's own HTTP stream wrapper (no curl needed): the secret
 * goes in X-Webhook-Secret, the body is JSON. Answers ['status' => HTTP status, 'body' => text,
 * 'retry_after' => seconds the server asked us to wait (Retry-After), or null]; status 0 when the
 * server could not be reached or did not answer in time.
 */
function cvety_post_json(string $url, string $secret, array $body, int $timeoutSeconds = 10): array
{
    $json = json_encode($body, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
    $context = stream_context_create([
        'http' => [
            'method' => 'POST',
            'header' => "Content-Type: application/json\r\nAccept: application/json\r\nX-Webhook-Secret: {$secret}\r\nConnection: close\r\n",
            'content' => $json,
            'timeout' => $timeoutSeconds,
            'ignore_errors' => true,
            'follow_location' => 0,
        ],
    ]);
    $http_response_header = null;
    $answer = @file_get_contents($url, false, $context);
    $headers = $http_response_header ?? [];
    if ($answer === false || !$headers || !preg_match('#^HTTP/\S+\s+(\d{3})#', (string) $headers[0], $match)) {
        $error = error_get_last();
        return ['status' => 0, 'body' => (string) ($error['message'] ?? 'no answer')];
    }
    return ['status' => (int) $match[1], 'body' => (string) $answer, 'retry_after' => cvety_retry_after($headers)];
}

/** Retry-After in seconds, as a number of seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
function cvety_retry_after(array $headers, ?int $now = null): ?int
{
    foreach ($headers as $header) {
        if (!preg_match('/^Retry-After:\s*(.+?)\s*$/i', (string) $header, $match)) {
            continue;
        }
        if (ctype_digit($match[1])) {
            return (int) $match[1];
        }
        $at = strtotime($match[1]);
        return $at === false ? null : max(0, $at - ($now ?? time()));
    }
    return null;
}
