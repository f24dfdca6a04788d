<?php
declare(strict_types=1);

/**
 * A durable queue of webhook deliveries in a folder, one JSON file per delivery, so nothing is
 * lost while cvety-graph is down or redeploying (Bitrix itself never retries a failed POST).
 *
 * - enqueue() writes the file before anything is sent (written to tmp/, then renamed: a
 *   half-written file is never seen).
 * - drain() sends due files oldest first, one drainer at a time (flock): a 2xx deletes the
 *   file; a refusal (4xx other than 408/429) moves it to failed/ for a person, with the answer;
 *   a 5xx, 408, 429 or no answer keeps it, counts the attempt, schedules the next one with
 *   exponential backoff and jitter (or after the server's Retry-After, when that is longer), and stops the drain, so deliveries keep their order and a
 *   down server is not hammered. After max_attempts a delivery is moved to failed/ as well.
 * A crash between our 2xx and the unlink sends that delivery again; the webhooks are
 * idempotent (a redelivery answers "unchanged"), so the effect happens once.
 */
final class CvetyQueue
{
    private string $dir;
    private int $backoffBaseMs;
    private int $backoffMaxMs;
    private int $maxAttempts;

    public function __construct(string $dir, array $options = [])
    {
        $this->dir = rtrim($dir, '/');
        $this->backoffBaseMs = (int) ($options['backoff_base_ms'] ?? 5000);
        $this->backoffMaxMs = (int) ($options['backoff_max_ms'] ?? 3600000);
        $this->maxAttempts = (int) ($options['max_attempts'] ?? 200);
        foreach (['', '/tmp', '/failed'] as $sub) {
            if (!is_dir($this->dir . $sub) && !@mkdir($this->dir . $sub, 0770, true) && !is_dir($this->dir . $sub)) {
                throw new RuntimeException("cvety queue: cannot create {$this->dir}{$sub}");
            }
        }
    }

    /** Stores a delivery; answers its file name. */
    public function enqueue(string $path, array $body, ?float $now = null): string
    {
        $now = $now ?? microtime(true);
        $name = sprintf('%017.6f-%s.json', $now, bin2hex(random_bytes(6)));
        $entry = ['path' => $path, 'body' => $body, 'attempts' => 0, 'next_attempt_at' => 0, 'created_at' => $now, 'last_error' => null];
        $this->write($name, $entry);
        return $name;
    }

    /** Delivery files waiting, oldest first. */
    public function pending(): array
    {
        $files = glob($this->dir . '/*.json') ?: [];
        sort($files, SORT_STRING);
        return array_map('basename', $files);
    }

    public function failed(): array
    {
        $files = glob($this->dir . '/failed/*.json') ?: [];
        sort($files, SORT_STRING);
        return array_map('basename', $files);
    }

    public function read(string $name): array
    {
        return json_decode((string) file_get_contents($this->dir . '/' . $name), true, 512, JSON_THROW_ON_ERROR);
    }

    /**
     * Sends what is due through $send(path, body) → ['status' => int, 'body' => string].
     * Answers counts: sent, failed (moved to failed/), retry (kept for later), left (still queued),
     * busy (another drainer holds the lock).
     */
    public function drain(callable $send, ?float $now = null, int $limit = 1000): array
    {
        $result = ['sent' => 0, 'failed' => 0, 'retry' => 0, 'left' => 0, 'busy' => false];
        $lock = fopen($this->dir . '/.lock', 'c');
        if ($lock === false || !flock($lock, LOCK_EX | LOCK_NB)) {
            $result['busy'] = true;
            return $result;
        }
        try {
            foreach (array_slice($this->pending(), 0, $limit) as $name) {
                if (!$this->drainOne($name, $send, $now ?? microtime(true), $result)) {
                    break;
                }
            }
            $result['left'] = count($this->pending());
            return $result;
        } finally {
            flock($lock, LOCK_UN);
            fclose($lock);
        }
    }

    /** One delivery; false when the drain should stop here (not due, or the server is unavailable). */
    private function drainOne(string $name, callable $send, float $now, array &$result): bool
    {
        $entry = $this->read($name);
        if ($entry['next_attempt_at'] > $now) {
            return false;
        }
        $answer = $send($entry['path'], $entry['body']);
        $status = (int) $answer['status'];
        $entry['attempts']++;
        $entry['last_status'] = $status;
        $entry['last_error'] = $status >= 200 && $status < 300 ? null : (string) @iconv('UTF-8', 'UTF-8//IGNORE', substr((string) $answer['body'], 0, 500));
        if ($status >= 200 && $status < 300) {
            unlink($this->dir . '/' . $name);
            $result['sent']++;
            return true;
        }
        $retryable = $status === 0 || $status === 408 || $status === 429 || $status >= 500;
        if (!$retryable || $entry['attempts'] >= $this->maxAttempts) {
            $this->write('failed/' . $name, $entry);
            unlink($this->dir . '/' . $name);
            $result['failed']++;
            return true;
        }
        // the server's Retry-After is the least we wait (it sheds load that way), never past the cap
        $askedMs = min($this->backoffMaxMs, (int) ($answer['retry_after'] ?? 0) * 1000);
        $entry['next_attempt_at'] = $now + max($this->backoffMs($entry['attempts']), $askedMs) / 1000;
        $this->write($name, $entry);
        $result['retry']++;
        return false;
    }

    /** Exponential backoff with "equal jitter": half the delay fixed, half random. */
    public function backoffMs(int $attempt): int
    {
        $exponential = min($this->backoffMaxMs, $this->backoffBaseMs * 2 ** min(max(0, $attempt - 1), 30));
        return (int) round($exponential / 2 + mt_rand(0, 1000) / 1000 * $exponential / 2);
    }

    private function write(string $name, array $entry): void
    {
        $tmp = $this->dir . '/tmp/' . bin2hex(random_bytes(8));
        $json = json_encode($entry, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
        if (file_put_contents($tmp, $json, LOCK_EX) === false || !rename($tmp, $this->dir . '/' . $name)) {
            throw new RuntimeException("cvety queue: cannot write {$this->dir}/{$name}");
        }
    }
}
