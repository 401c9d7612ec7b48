<?php
/*
 * hook.php: the reference receiver of the benchmark, the plain PHP a
 * shared-hosting user would write instead of yespo-hook.
 *
 * json_decode the body; take an flock on a lock file; for each event, a
 * dedup check against an SQLite table of keys (PDO, one transaction per
 * batch, the default rollback journal and synchronous=FULL: what "store
 * the keys somewhere" means on shared hosting); append the new events to
 * the day's JSONL file and, with fputcsv, to the day's per-status CSV
 * files; fflush + fsync every file; commit the keys only then; answer the
 * counts as JSON.  No summary.csv, no quarantine of single elements, no
 * repair after a crash, and json_encode re-serialises each event (so big
 * integers and escapes are not byte-exact): it does less than yespo-hook.
 *
 * Configured by the environment (lighttpd's bin-environment):
 *   YH_PHP_SPOOL   the spool directory (must exist, writable)
 *   YH_PHP_TOKEN   the shared secret, in the query string "token"
 */

function answer($code, $data)
{
	$body = json_encode($data);
	http_response_code($code);
	header('Content-Type: application/json');
	header('Content-Length: ' . strlen($body));
	echo $body;
	exit;
}

function fail_503($why)
{
	error_log("hook.php: $why");
	header('Retry-After: 60');
	answer(503, ['error' => 'not stored: local fault, retry later']);
}

$spool = getenv('YH_PHP_SPOOL');
$token = getenv('YH_PHP_TOKEN');
if ($spool === false || !is_dir($spool) || !is_writable($spool))
	fail_503('YH_PHP_SPOOL is not a writable directory');
$method = $_SERVER['REQUEST_METHOD'] ?? '';
if ($method === 'GET' || $method === 'HEAD')
	answer(200, ['status' => 'ok']);
if ($method !== 'POST') {
	header('Allow: GET, HEAD, POST');
	answer(405, ['error' => 'method not allowed']);
}
if ($token === false || !hash_equals($token, (string)($_GET['token'] ?? '')))
	answer(403, ['error' => 'forbidden']);

$body = file_get_contents('php://input');
$events = json_decode($body, true);
$now = gmdate('Y-m-d\TH:i:s\Z');
$day = gmdate('Y-m-d');
$counts = ['received' => 0, 'stored' => 0, 'duplicates' => 0, 'quarantined' => 0];

if (!is_array($events)) {
	// Not JSON: keep the body for a human.
	@mkdir("$spool/quarantine", 0700);
	$q = fopen("$spool/quarantine/" . uniqid('body-', true) . '.json', 'x');
	if ($q === false || fwrite($q, $body) !== strlen($body) || !fflush($q) || !fsync($q))
		fail_503('cannot write to quarantine');
	fclose($q);
	$counts['received'] = $counts['quarantined'] = 1;
	answer(200, $counts);
}
if (!array_is_list($events))
	$events = [$events];	// a single object: a batch of one

$columns = ['activityDateTime', 'activityStatus', 'mediaType', 'contactId',
	'externalCustomerId', 'email', 'sms', 'viber', 'webpush', 'mobilepush',
	'from', 'messageId', 'messageInstanceId', 'messageName', 'messageTag',
	'messageLanguageCode', 'broadcastId', 'workflowId', 'workflowBlockId',
	'workflowInstanceId', 'sourceEventId', 'sourceEventKey',
	'sourceEventTypeKey', 'clickEventLink', 'viewMessageLink', 'hardBounce',
	'statusDescription', 'statusData', 'subscription', 'subscriptions',
	'osName', 'osType', 'iid'];
$colset = array_flip($columns);

function cell($v)
{
	if ($v === null)
		return '';
	if (is_bool($v))
		return $v ? 'true' : 'false';
	if (is_array($v))
		return json_encode($v, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
	$s = (string)$v;
	if (is_string($v) && $s !== '' && strpos("=+-@\t\r", $s[0]) !== false)
		$s = "'" . $s;
	return $s;
}

@mkdir("$spool/archive", 0700);
@mkdir("$spool/csv/$day", 0755, true);
$lock = fopen("$spool/lock", 'c');
if ($lock === false || !flock($lock, LOCK_EX))
	fail_503('cannot lock');

try {
	$db = new PDO("sqlite:$spool/keys.sqlite");
	$db->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
	$db->exec('CREATE TABLE IF NOT EXISTS seen (k TEXT PRIMARY KEY, day TEXT NOT NULL)');
	$db->exec('CREATE INDEX IF NOT EXISTS seen_day ON seen (day)');
	$db->beginTransaction();
	$ins = $db->prepare('INSERT OR IGNORE INTO seen (k, day) VALUES (?, ?)');
} catch (PDOException $e) {
	fail_503('sqlite: ' . $e->getMessage());
}

$jsonl = '';
$rows = [];	// status => list of rows
foreach ($events as $e) {
	$counts['received']++;
	if (!is_array($e)) {
		$counts['quarantined']++;
		file_put_contents("$spool/quarantine-" . uniqid('', true) . '.json', json_encode($e));
		continue;
	}
	if (isset($e['iid']))
		$key = hash('sha256', json_encode([$e['iid'], $e['activityStatus'] ?? null,
		    $e['activityDateTime'] ?? null, $e['clickEventLink'] ?? null]));
	else
		$key = hash('sha256', json_encode($e));
	$ins->execute([$key, $day]);
	if ($ins->rowCount() === 0) {
		$counts['duplicates']++;
		continue;
	}
	$counts['stored']++;
	$e['_receivedAt'] = $now;
	$jsonl .= json_encode($e, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE) . "\n";
	$status = $e['activityStatus'] ?? '';
	if (!is_string($status) || !preg_match('/^[A-Z][A-Z0-9_]{0,39}$/', $status))
		$status = 'OTHER';
	$row = [$now];
	foreach ($columns as $c)
		$row[] = cell($e[$c] ?? null);
	$extra = array_diff_key($e, $colset, ['_receivedAt' => 1]);
	$row[] = $extra ? json_encode($extra, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE) : '';
	$rows[$status][] = $row;
}

if ($counts['stored'] > 0) {
	$f = fopen("$spool/archive/$day.jsonl", 'a');
	if ($f === false || fwrite($f, $jsonl) !== strlen($jsonl) || !fflush($f) || !fsync($f))
		fail_503('cannot append to the archive');
	fclose($f);
	foreach ($rows as $status => $list) {
		$path = "$spool/csv/$day/$status.csv";
		$new = !file_exists($path);
		$f = fopen($path, 'a');
		if ($f === false)
			fail_503("cannot open $path");
		if ($new)
			fputcsv($f, array_merge(['receivedAt'], $columns, ['extra']), ',', '"', '', "\r\n");
		foreach ($list as $row)
			if (fputcsv($f, $row, ',', '"', '', "\r\n") === false)
				fail_503("cannot write $path");
		if (!fflush($f) || !fsync($f))
			fail_503("cannot sync $path");
		fclose($f);
	}
}
try {
	// Forget keys older than the window (45 days).
	$db->prepare('DELETE FROM seen WHERE day < ?')->execute([gmdate('Y-m-d', time() - 45 * 86400)]);
	$db->commit();
} catch (PDOException $e) {
	fail_503('sqlite: ' . $e->getMessage());
}
flock($lock, LOCK_UN);
fclose($lock);
answer(200, $counts);
