<?php
declare(strict_types=1);

/**
 * Sends what the queue holds; for cron when Bitrix agents are not run by cron:
 *   * * * * * php /path/to/local/cvety/bin/drain.php
 * Settings from the environment (CVETY_API_URL, CVETY_WEBHOOK_SECRET, CVETY_QUEUE_DIR, …).
 * Prints the counts as JSON; exit code 0 also when deliveries wait for a retry.
 */
require_once __DIR__ . '/../cvety.php';

echo json_encode(cvety_drain(cvety_config())), "\n";
