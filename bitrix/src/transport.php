<?php
declare(strict_types=1);

/**
 * One signed POST to cvety-graph. PHP's own HTTP stream wrapper (no curl needed): the secret
 * goes in X-Webhook-Secret, the body is JSON. Answers ['status' => HTTP status, 'body' => text];
 * status 0 when the server could not be reached or did not answer in time.
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
    return ['status' => (int) $match[1], 'body' => (string) $answer];
}
