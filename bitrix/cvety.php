<?php
declare(strict_types=1);

/** The plain-PHP half of the cvety-graph integration: include this one file. */
require_once __DIR__ . '/src/prices.php';
require_once __DIR__ . '/src/bodies.php';
require_once __DIR__ . '/src/transport.php';
require_once __DIR__ . '/src/queue.php';
require_once __DIR__ . '/src/handlers.php';
require_once __DIR__ . '/src/product-endpoint.php';
