# shellcheck shell=bash
# tests/e2e/lib.sh: shared helpers of the end-to-end tests.
#
# Sourced by every tests/e2e/*.sh script, which is run as
#     bash tests/e2e/NAME.sh BINARY SOURCE_DIR
# (or with YH_BIN / YH_SRC in the environment).  Exit status: 0 pass,
# 1 fail, 77 skip (a needed tool such as lighttpd is missing).
#
# What it gives a test:
#   yh_init                 temp dir $T with $SPOOL (0700), $WWW, $CSV, $CONF
#   yh_write_conf [LINE...] the config: spool_dir, csv_dir, then the lines
#   yh_need TOOL...         skip (77) unless every tool is on PATH
#   yh_lt_start fastcgi|cgi start lighttpd on a free loopback port; sets
#                           $BASE (http://127.0.0.1:PORT) and $HOOK (the
#                           endpoint's URL path); stopped on exit
#   yh_lt_stop              stop it (and its workers) now
#   yh_http METHOD URL [CURL ARGS...]
#                           one request; sets $CODE, headers in $T/resp.hdr,
#                           body in $T/resp.body
#   yh_post_file URL FILE [CURL ARGS...]  POST a file as Yespo does
#   yh_header NAME          a header of the last response (value only)
#   yh_expect_code CODE WHAT, yh_expect_body_file FILE WHAT,
#   yh_expect_body TEXT WHAT, yh_expect_header NAME VALUE WHAT
#   yh_post_fixture FILE NAME
#                           POST tests/data/FILE with the token, compare the
#                           answer and the files with tests/expected/NAME
#   yh_check_files NAME     compare archive, CSVs and quarantine with
#                           tests/expected/NAME (receipt times and the day
#                           directory normalised to placeholders; each real
#                           stamp checked to lie within the test run)
#   yh_snapshot             a listing of every file with size, time, checksum
#   yh_ingest FILE, yh_ingest_ok FILE
#                           --ingest tests/data/FILE (output in $T/stdout,
#                           $T/stderr); _ok stops the test when it fails
#   yh_expect_rebuilt       the CSV files equal what --rebuild then makes
#   yh_cgi_run OUT IN VAR=VAL... [-- ARGS...]
#                           run the binary as plain CGI; yh_cgi_parse OUT
#                           then sets $CODE, resp.hdr and resp.body
#   yh_fail MSG             record a failure (the test goes on)
#   yh_die MSG              fail now
#   yh_finish               exit 0, or 1 when something failed
#
# Set YH_KEEP_TMP=1 to keep the temp dir for a look after the test.
# A watchdog stops a test after YH_TEST_TIMEOUT seconds (default 45) and
# cleans up after a test killed outright.
#
# tests/expected/NAME/ holds, written by hand from yespo-hook(8): response.json
# (the exact POST answer body), archive.jsonl (the day's archive with every
# _receivedAt set to 2000-01-01T00:00:00Z), csv/*.csv (exactly the files of
# the day directory, receivedAt cells set likewise) and, when anything is
# quarantined, quarantine/* (the contents expected there; names are free).

set -u
LC_ALL=C
export LC_ALL

YH_BIN=${1:-${YH_BIN:-}}
YH_SRC=${2:-${YH_SRC:-}}
if [ -z "$YH_SRC" ]; then
	YH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
fi
YH_NAME=$(basename "$0" .sh)
YH_DATA=$YH_SRC/tests/data
YH_EXPECTED=$YH_SRC/tests/expected
YH_FAILED=0
YH_PLACEHOLDER_TIME=2000-01-01T00:00:00Z

T=""
SPOOL=""
WWW=""
CSV=""
CONF=""
BASE=""
HOOK=""
CODE=""
YH_LT_PID=""
YH_LT_CONF=""
YH_LT_LOG=""
YH_EXTRA_PIDS=""
YH_START_TIME=""
YH_DAY=""
YH_WATCHDOG_PID=""

say() { printf '%s: %s\n' "$YH_NAME" "$*"; }
yh_fail() {
	printf '%s: FAIL: %s\n' "$YH_NAME" "$*" >&2
	YH_FAILED=1
}
yh_die() {
	printf '%s: FAIL: %s\n' "$YH_NAME" "$*" >&2
	exit 1
}
yh_skip() {
	printf '%s: SKIP: %s\n' "$YH_NAME" "$*" >&2
	exit 77
}
yh_finish() {
	if [ "$YH_FAILED" -ne 0 ]; then
		say "failed"
		exit 1
	fi
	say "passed"
	exit 0
}

yh_need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || yh_skip "$t is not installed"
	done
}

# lighttpd is often in /usr/sbin, which a normal user's PATH may lack.
yh_need_lighttpd() {
	if ! command -v lighttpd >/dev/null 2>&1; then
		if [ -x /usr/sbin/lighttpd ]; then
			PATH=$PATH:/usr/sbin
		else
			yh_skip "lighttpd is not installed"
		fi
	fi
	yh_need curl
}

# The current UTC time, as the archive writes it.
yh_now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# Whether process $1 is alive (and not a zombie).
yh_alive() {
	local st
	[ -r "/proc/$1/stat" ] || return 1
	st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# The pids of the children of process $1.
yh_children() {
	local p pp
	for p in /proc/[0-9]*; do
		pp=$(sed 's/^.*) //' "$p/stat" 2>/dev/null | cut -d' ' -f2) || continue
		[ "$pp" = "$1" ] && printf '%s\n' "${p#/proc/}"
	done
	return 0
}

# Send TERM to a pid, wait up to 5 s, then KILL it.
yh_stop_pid() {
	local pid=$1
	yh_alive "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 1 50); do
		yh_alive "$pid" || break
		sleep 0.1
	done
	if yh_alive "$pid"; then
		kill -KILL "$pid" 2>/dev/null || true
		for _ in $(seq 1 20); do
			yh_alive "$pid" || break
			sleep 0.1
		done
	fi
	wait "$pid" 2>/dev/null || true
}

yh_cleanup() {
	local rc=$? p
	trap - EXIT
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -n "$YH_LT_LOG" ] && [ -s "$YH_LT_LOG" ]; then
		printf '%s: lighttpd error log (last 30 lines):\n' "$YH_NAME" >&2
		tail -n 30 "$YH_LT_LOG" | sed 's/^/    /' >&2
	fi
	yh_lt_stop
	for p in $YH_EXTRA_PIDS; do
		yh_stop_pid "$p"
	done
	if [ -n "$YH_WATCHDOG_PID" ]; then
		kill -TERM "$YH_WATCHDOG_PID" 2>/dev/null
		wait "$YH_WATCHDOG_PID" 2>/dev/null
	fi
	if [ -n "$T" ] && [ -d "$T" ]; then
		if [ -n "${YH_KEEP_TMP:-}" ]; then
			say "kept $T"
		else
			rm -rf "$T"
		fi
	fi
	exit "$rc"
}

# Started by yh_init in the background: stops a test that runs longer than
# YH_TEST_TIMEOUT seconds (default 45, below ctest's 60) through its own
# clean-up, and, should the test be killed outright (as ctest does on its
# timeout), stops the servers the test started and removes its temp dir.
yh_watchdog() {
	local parent=$1 limit=$2 n=0 p
	while kill -0 "$parent" 2>/dev/null; do
		if [ "$n" -ge $((limit * 2)) ]; then
			printf '%s: FAIL: still running after %s s; stopping it\n' "$YH_NAME" "$limit" >&2
			kill -TERM "$parent" 2>/dev/null
			return 0
		fi
		sleep 0.5 >/dev/null 2>&1
		n=$((n + 1))
	done
	[ -d "$T" ] || return 0
	if [ -f "$T/pids" ]; then
		while read -r p; do kill -TERM "$p" 2>/dev/null; done <"$T/pids"
		sleep 1 >/dev/null 2>&1
		while read -r p; do kill -KILL "$p" 2>/dev/null; done <"$T/pids"
	fi
	rm -rf "$T"
}

# Remember a process this test started, for the watchdog.
yh_track_pid() {
	printf '%s\n' "$1" >>"$T/pids"
}

yh_untrack_pid() {
	[ -f "$T/pids" ] || return 0
	grep -vx -- "$1" "$T/pids" >"$T/pids.new"
	mv -f "$T/pids.new" "$T/pids"
}

# Start of every test: check the binary, make the temp dir.
yh_init() {
	[ -n "$YH_BIN" ] || yh_die "usage: $0 BINARY [SOURCE_DIR] (or YH_BIN=...)"
	[ -x "$YH_BIN" ] || yh_die "binary $YH_BIN does not exist or is not executable"
	case $YH_BIN in /*) ;; *) YH_BIN=$(pwd -P)/$YH_BIN ;; esac
	[ -d "$YH_EXPECTED" ] || yh_die "no $YH_EXPECTED: give the source dir as \$2"
	# The FastCGI socket path must stay short (108 bytes, plus "-N").
	local base=${TMPDIR:-/tmp}
	[ ${#base} -le 60 ] || base=/tmp
	T=$(mktemp -d "$base/yh-e2e.XXXXXX") || yh_die "mktemp failed"
	trap yh_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	SPOOL=$T/spool
	WWW=$T/www
	CSV=$WWW/csv
	CONF=$T/yespo-hook.conf
	mkdir -p "$SPOOL" "$WWW" "$T/run" "$T/log" "$T/tmp"
	chmod 0700 "$SPOOL"
	YH_START_TIME=$(yh_now)
	yh_watchdog "$$" "${YH_TEST_TIMEOUT:-45}" &
	YH_WATCHDOG_PID=$!
	# Nothing of the caller's web-server environment may leak into the
	# binary's command-line runs.
	unset GATEWAY_INTERFACE REQUEST_METHOD CONTENT_LENGTH QUERY_STRING YESPO_HOOK_CONFIG
}

# The config: spool_dir and csv_dir, then each argument as one line.
yh_write_conf() {
	local line
	{
		printf 'spool_dir = "%s";\n' "$SPOOL"
		printf 'csv_dir = "%s";\n' "$CSV"
		# summary.csv at once after each batch, as the tests compare it
		printf 'summary_refresh_seconds = 0;\n'
		for line in "$@"; do
			printf '%s\n' "$line"
		done
	} >"$CONF"
}

# A random port in 20000..59999 that nothing listens on (by ss, when there).
yh_pick_port() {
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		if command -v ss >/dev/null 2>&1; then
			if [ -n "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]; then
				continue
			fi
		fi
		printf '%s\n' "$p"
		return 0
	done
	printf '%s\n' "$p"
}

yh_lt_write_conf() {
	local mode=$1 port=$2
	{
		cat <<EOF
server.modules = ( "mod_access", "mod_setenv", "mod_fastcgi", "mod_cgi" )
server.document-root = "$WWW"
server.bind = "127.0.0.1"
server.port = $port
server.errorlog = "$YH_LT_LOG"
server.upload-dirs = ( "$T/tmp" )
server.max-request-size = 66560
mimetype.assign = ( ".csv" => "text/csv; charset=utf-8", ".txt" => "text/plain" )
EOF
		case $mode in
		fastcgi)
			cat <<EOF
fastcgi.server = ( "/hook" => ((
	"bin-path" => "$YH_BIN",
	"socket" => "$T/run/fcgi.sock",
	"check-local" => "disable",
	"max-procs" => 2,
	"bin-environment" => ( "YESPO_HOOK_CONFIG" => "$CONF" ),
)) )
EOF
			;;
		cgi)
			# The same binary as plain CGI: one process per request.
			cat <<EOF
cgi.assign = ( ".cgi" => "" )
setenv.add-environment = ( "YESPO_HOOK_CONFIG" => "$CONF" )
EOF
			;;
		esac
	} >"$YH_LT_CONF"
}

# Start lighttpd in the foreground (-D) in the background of this shell,
# on a free port, and wait (bounded) until it serves our own ready file.
yh_lt_start() {
	local mode=$1 port nonce got
	yh_need_lighttpd
	[ -z "$YH_LT_PID" ] || yh_lt_stop
	YH_LT_CONF=$T/lighttpd.conf
	YH_LT_LOG=$T/log/lighttpd.log
	case $mode in
	fastcgi) HOOK=/hook ;;
	cgi)
		ln -sf "$YH_BIN" "$WWW/hook.cgi"
		HOOK=/hook.cgi
		;;
	*) yh_die "yh_lt_start: unknown mode $mode" ;;
	esac
	nonce="ready-$$-$RANDOM$RANDOM"
	printf '%s\n' "$nonce" >"$WWW/ready.txt"
	for _ in $(seq 1 10); do
		port=$(yh_pick_port)
		: >"$YH_LT_LOG"
		: >"$T/log/lighttpd.out"
		yh_lt_write_conf "$mode" "$port"
		lighttpd -tt -f "$YH_LT_CONF" >"$T/log/lighttpd-tt.out" 2>&1 ||
			yh_die "lighttpd rejects its config: $(cat "$T/log/lighttpd-tt.out")"
		lighttpd -D -f "$YH_LT_CONF" </dev/null >>"$T/log/lighttpd.out" 2>&1 &
		YH_LT_PID=$!
		yh_track_pid "$YH_LT_PID"
		BASE=http://127.0.0.1:$port
		got=""
		for _ in $(seq 1 100); do
			if ! yh_alive "$YH_LT_PID"; then
				break
			fi
			got=$(curl -s --noproxy '*' --max-time 2 "$BASE/ready.txt" 2>/dev/null) || got=""
			[ "$got" = "$nonce" ] && break
			sleep 0.1
		done
		if [ "$got" = "$nonce" ] && yh_alive "$YH_LT_PID"; then
			say "lighttpd ($mode) pid $YH_LT_PID on $BASE"
			return 0
		fi
		if ! yh_alive "$YH_LT_PID"; then
			wait "$YH_LT_PID" 2>/dev/null || true
			YH_LT_PID=""
			if grep -qiE "already in use|can.t bind" "$YH_LT_LOG" "$T/log/lighttpd.out" 2>/dev/null; then
				say "port $port is taken; trying another"
				continue
			fi
			cat "$T/log/lighttpd.out" >&2 2>/dev/null
			yh_die "lighttpd ($mode) exited at start (its output above)"
		fi
		yh_die "lighttpd ($mode) did not serve $BASE/ready.txt within 10 s"
	done
	yh_die "no free port found for lighttpd"
}

# Stop lighttpd and any worker it spawned (by pid).
yh_lt_stop() {
	local kids p
	[ -n "$YH_LT_PID" ] || return 0
	kids=$(yh_children "$YH_LT_PID")
	yh_stop_pid "$YH_LT_PID"
	yh_untrack_pid "$YH_LT_PID"
	for p in $kids; do
		yh_stop_pid "$p"
	done
	YH_LT_PID=""
}

# One HTTP request.  yh_http METHOD URL [CURL ARGS...]
yh_http() {
	local method=$1 url=$2
	shift 2
	: >"$T/resp.hdr"
	: >"$T/resp.body"
	if [ "$method" = HEAD ]; then
		CODE=$(curl -sS --noproxy '*' --max-time 30 -I -D "$T/resp.hdr" -o /dev/null \
			-w '%{http_code}' "$@" "$url" 2>"$T/curl.err") || CODE=000
	else
		CODE=$(curl -sS --noproxy '*' --max-time 30 -X "$method" -D "$T/resp.hdr" \
			-o "$T/resp.body" -w '%{http_code}' "$@" "$url" 2>"$T/curl.err") || CODE=000
	fi
	if [ "$CODE" = 000 ]; then
		yh_fail "$method $url: no answer ($(cat "$T/curl.err"))"
	fi
}

# POST a file as the body, as Yespo does.
yh_post_file() {
	local url=$1 file=$2
	shift 2
	yh_http POST "$url" -H 'Content-Type: application/json' --data-binary "@$file" "$@"
}

# A header of the last response: its value, CR and surrounding blanks removed.
# (Of the last header block, in case curl saw a 100 Continue first.)
yh_header() {
	tr -d '\r' <"$T/resp.hdr" | awk -v name="$1" '
		/^HTTP\// { v = ""; found = 0; next }
		{
			i = index($0, ":")
			if (i > 0 && tolower(substr($0, 1, i - 1)) == tolower(name) && !found) {
				v = substr($0, i + 1); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v); found = 1
			}
		}
		END { printf "%s", v }'
}

yh_show_response() {
	{
		printf '  response headers:\n'
		sed 's/^/    /' "$T/resp.hdr"
		printf '  response body:\n    '
		head -c 2000 "$T/resp.body"
		printf '\n'
	} >&2
}

yh_expect_code() {
	if [ "$CODE" != "$1" ]; then
		yh_fail "$2: status $CODE, expected $1"
		yh_show_response
		return 1
	fi
}

yh_expect_header() {
	local got
	got=$(yh_header "$1")
	if [ "$got" != "$2" ]; then
		yh_fail "$3: header $1 is '$got', expected '$2'"
		return 1
	fi
}

# Content-Type must be application/json (parameters such as charset allowed).
yh_expect_json_type() {
	local got
	got=$(yh_header Content-Type)
	case $got in
	application/json | "application/json;"*) ;;
	*)
		yh_fail "$1: Content-Type is '$got', expected application/json"
		return 1
		;;
	esac
}

# The body of the last response must be exactly TEXT.
yh_expect_body() {
	printf '%s' "$1" >"$T/expected.body"
	yh_expect_body_file "$T/expected.body" "$2"
}

yh_expect_body_file() {
	if ! cmp -s "$1" "$T/resp.body"; then
		yh_fail "$2: response body differs"
		printf '  expected: ' >&2
		sed -n 'l 0' "$1" >&2
		printf '  actual:   ' >&2
		sed -n 'l 0' "$T/resp.body" >&2
		[ -s "$T/resp.body" ] || printf '  (empty)\n' >&2
		return 1
	fi
}

# Show how two files differ, with CR, tabs and non-ASCII bytes visible.
yh_diff() {
	diff -u --label "expected: $3" --label "actual: $4" \
		<(sed -n 'l 0' "$1") <(sed -n 'l 0' "$2") | head -n 80 >&2
}

# Compare two files byte for byte; report with a visible diff.
yh_cmp() {
	local exp=$1 act=$2 what=$3
	if [ ! -f "$act" ]; then
		yh_fail "$what: $act is missing"
		return 1
	fi
	if ! cmp -s "$exp" "$act"; then
		yh_fail "$what differs from $exp"
		yh_diff "$exp" "$act" "$exp" "$act"
		return 1
	fi
}

# The names of the regular files below a directory, sorted, relative.
yh_files() {
	[ -d "$1" ] || return 0
	(cd "$1" && find . -type f | sed 's|^\./||' | sort)
}

# The receipt days that have an archive file.
yh_archive_days() {
	yh_files "$SPOOL/archive" | sed -n 's/^\([0-9]\{4\}-[0-9][0-9]-[0-9][0-9]\)\.jsonl$/\1/p'
}

# Replace each "_receivedAt" stamp (the last member of a line) with the
# placeholder; check every stamp lies within the test's run and on DAY.
yh_norm_archive() {
	local in=$1 out=$2 day=$3 now s
	now=$(yh_now)
	sed -n 's/.*,"_receivedAt":"\([^"]*\)"}$/\1/p' "$in" >"$T/stamps"
	if [ "$(wc -l <"$T/stamps")" -ne "$(wc -l <"$in")" ]; then
		yh_fail "archive $in: not every line ends with a \"_receivedAt\" member"
	fi
	while IFS= read -r s; do
		case $s in
		"$day"T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]Z) ;;
		*) yh_fail "archive $in: _receivedAt '$s' is not a UTC stamp of day $day" ;;
		esac
		if [[ $s < $YH_START_TIME || $s > $now ]]; then
			yh_fail "archive $in: _receivedAt '$s' is outside the test's run ($YH_START_TIME .. $now)"
		fi
	done <"$T/stamps"
	sed 's/,"_receivedAt":"[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z"}$/,"_receivedAt":"'"$YH_PLACEHOLDER_TIME"'"}/' \
		"$in" >"$out"
}

# Replace the receivedAt cell (first cell of each row after the header)
# with the placeholder; each must be one of the archive's stamps.
yh_norm_csv() {
	local in=$1 out=$2 s
	sed -n '2,$s/^\([0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z\),.*/\1/p' "$in" >"$T/csvstamps"
	while IFS= read -r s; do
		grep -qxF -- "$s" "$T/stamps" ||
			yh_fail "$in: receivedAt $s is not the _receivedAt of any archived event"
	done <"$T/csvstamps"
	sed '2,$s/^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z,/'"$YH_PLACEHOLDER_TIME"',/' \
		"$in" >"$out"
}

# Compare the spool's archive and the CSV directory with tests/expected/NAME:
#   archive.jsonl   the one day's archive file
#   csv/*.csv       the day directory's files (exactly these)
# and check that nothing went to quarantine.
yh_check_files() {
	local name=$1 exp=$YH_EXPECTED/$1 days day f
	days=$(yh_archive_days)
	if [ "$(printf '%s' "$days" | grep -c .)" -ne 1 ]; then
		if [ "$(yh_now | cut -c1-10)" != "$(printf '%s' "$YH_START_TIME" | cut -c1-10)" ]; then
			yh_skip "the UTC day changed during the test; run it again"
		fi
		yh_fail "$name: expected one archive file in $SPOOL/archive, found: $(yh_files "$SPOOL/archive" | tr '\n' ' ')"
		return 1
	fi
	day=$days
	mkdir -p "$T/norm"
	yh_norm_archive "$SPOOL/archive/$day.jsonl" "$T/norm/archive.jsonl" "$day"
	yh_cmp "$exp/archive.jsonl" "$T/norm/archive.jsonl" "$name: archive/$day.jsonl (normalised)"
	if [ ! -d "$CSV/$day" ]; then
		yh_fail "$name: no CSV day directory $CSV/$day (csv_dir holds: $(find "$CSV" -mindepth 1 -maxdepth 1 -printf "%f " 2>/dev/null))"
		return 1
	fi
	yh_files "$exp/csv" >"$T/norm/files.expected"
	yh_files "$CSV/$day" >"$T/norm/files.actual"
	if ! cmp -s "$T/norm/files.expected" "$T/norm/files.actual"; then
		yh_fail "$name: the files of $CSV/$day differ from $exp/csv"
		diff -u --label expected --label actual "$T/norm/files.expected" "$T/norm/files.actual" >&2
	fi
	while IFS= read -r f; do
		[ -f "$CSV/$day/$f" ] || continue
		yh_norm_csv "$CSV/$day/$f" "$T/norm/$f"
		yh_cmp "$exp/csv/$f" "$T/norm/$f" "$name: csv $day/$f (normalised)"
	done <"$T/norm/files.expected"
	yh_check_quarantine "$name"
	# shellcheck disable=SC2034 # for the test scripts
	YH_DAY=$day
}

# The quarantine must hold exactly the contents of tests/expected/NAME/
# quarantine/* (file names are the implementation's; only the bytes count),
# or nothing when that directory does not exist.
yh_check_quarantine() {
	local name=$1 exp=$YH_EXPECTED/$1/quarantine f g found
	yh_files "$SPOOL/quarantine" >"$T/qfiles"
	if [ ! -d "$exp" ]; then
		if [ -s "$T/qfiles" ]; then
			yh_fail "$name: unexpected quarantine files: $(tr '\n' ' ' <"$T/qfiles")"
		fi
		return 0
	fi
	if [ "$(wc -l <"$T/qfiles")" -ne "$(yh_files "$exp" | wc -l)" ]; then
		yh_fail "$name: quarantine holds $(wc -l <"$T/qfiles") files, expected $(yh_files "$exp" | wc -l)"
	fi
	for f in $(yh_files "$exp"); do
		found=0
		while IFS= read -r g; do
			if cmp -s "$exp/$f" "$SPOOL/quarantine/$g"; then
				found=1
				break
			fi
		done <"$T/qfiles"
		if [ $found = 0 ]; then
			yh_fail "$name: no quarantine file holds the bytes of $exp/$f ($(sed -n 'l 0' "$exp/$f"))"
			while IFS= read -r g; do
				printf '  quarantine/%s: ' "$g" >&2
				head -c 300 "$SPOOL/quarantine/$g" | sed -n 'l 0' >&2
			done <"$T/qfiles"
		fi
	done
}

# A listing of every file below the spool and csv_dir with its size, mode
# and modification time, and a checksum of its bytes: two snapshots are
# equal when nothing was written.  (Directory times are left out.)
yh_snapshot() {
	local d
	for d in "$SPOOL" "$CSV"; do
		[ -d "$d" ] || continue
		find "$d" -type f -printf '%p %s %m %T@\n'
		find "$d" -type d -printf '%p/\n'
		find "$d" -type f -exec cksum {} +
	done | sort
}

# Run the binary as a plain CGI program (as a web server would).
# yh_cgi_run OUT_FILE STDIN_FILE VAR=VALUE... [-- ARGS...]
yh_cgi_run() {
	local out=$1 in=$2
	shift 2
	local vars=() args=()
	while [ $# -gt 0 ]; do
		if [ "$1" = -- ]; then
			shift
			args=("$@")
			break
		fi
		vars+=("$1")
		shift
	done
	env -i PATH="$PATH" GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 \
		SERVER_SOFTWARE=yh-e2e SERVER_NAME=127.0.0.1 SERVER_PORT=80 \
		REMOTE_ADDR=127.0.0.1 SCRIPT_NAME=/hook.cgi YESPO_HOOK_CONFIG="$CONF" \
		"${vars[@]}" "$YH_BIN" "${args[@]}" <"$in" >"$out" 2>"$T/cgi.err"
}

# Split a CGI (or cgi-fcgi) response in OUT_FILE into $T/resp.hdr and
# $T/resp.body, and set $CODE from its Status header (200 without one).
yh_cgi_parse() {
	local out=$1 status
	awk 'BEGIN { RS = "\001" } {
		i = index($0, "\r\n\r\n"); j = index($0, "\n\n")
		if (i > 0 && (j == 0 || i < j)) { printf "%s", substr($0, 1, i + 1) }
		else if (j > 0) { printf "%s", substr($0, 1, j) }
		else { printf "%s", $0 } }' "$out" >"$T/resp.hdr"
	# The body: everything after the first empty line.
	local hlen
	hlen=$(awk 'BEGIN { RS = "\001" } {
		i = index($0, "\r\n\r\n"); j = index($0, "\n\n")
		if (i > 0 && (j == 0 || i < j)) print i + 3
		else if (j > 0) print j + 1
		else print length($0) }' "$out")
	tail -c +"$((${hlen:-0} + 1))" "$out" >"$T/resp.body"
	status=$(yh_header Status)
	if [ -n "$status" ]; then
		CODE=${status%% *}
	elif [ -s "$T/resp.hdr" ]; then
		CODE=200
	else
		CODE=000
	fi
}

# The token of the standard config.
YH_TOKEN=s3cret-e2e-token

# The standard config: token only.
yh_std_conf() {
	yh_write_conf "token = \"$YH_TOKEN\";" "$@"
}

# yh_ingest FILE: --ingest tests/data/FILE with $CONF; its output in
# $T/stdout and $T/stderr.  yh_ingest_ok FILE: the same, stopping the test
# when it fails.
yh_ingest() {
	"$YH_BIN" --ingest --config "$CONF" "$YH_DATA/$1" </dev/null >"$T/stdout" 2>"$T/stderr"
}
yh_ingest_ok() {
	yh_ingest "$1" || yh_die "--ingest $1 failed: $(cat "$T/stderr")"
}

# The CSV files are exactly what --rebuild then makes from the archive.
yh_expect_rebuilt() {
	rm -rf "$T/csv.before-rebuild"
	cp -a "$CSV" "$T/csv.before-rebuild"
	if ! "$YH_BIN" --rebuild --config "$CONF" >/dev/null 2>"$T/rebuild.err"; then
		yh_fail "--rebuild failed: $(cat "$T/rebuild.err")"
	elif ! diff -r -x index.html -x "*.xlsx" "$T/csv.before-rebuild" "$CSV" >&2; then
		yh_fail "the CSV files differ from what --rebuild makes"
	fi
}

# POST tests/data/FILE to the running server with the token in the query,
# then check the answer against tests/expected/NAME/response.json and the
# files against tests/expected/NAME.
yh_post_fixture() {
	local file=$1 name=$2
	yh_post_file "$BASE$HOOK?token=$YH_TOKEN" "$YH_DATA/$file"
	yh_expect_code 200 "POST $file" || return 1
	yh_expect_json_type "POST $file"
	yh_expect_body_file "$YH_EXPECTED/$name/response.json" "POST $file"
	yh_check_files "$name"
}

# yh_status [ARGS...]: --status with $CONF; the object in $T/status.json,
# its stderr in $T/status.err, the exit status in $RC.
yh_status() {
	"$YH_BIN" --status --config "$CONF" "$@" >"$T/status.json" 2>"$T/status.err"
	RC=$?
}

# yh_member PATH [FILE]: a member of the JSON object in FILE (default
# $T/status.json) as JSON text; PATH is names and list indexes joined by
# dots (consumers.0.lag_events).
yh_member() {
	/usr/bin/python3 -c 'import json, sys
o = json.load(open(sys.argv[2]))
for k in sys.argv[1].split("."): o = o[int(k)] if isinstance(o, list) else o[k]
print(json.dumps(o))' "$1" "${2:-$T/status.json}" 2>/dev/null || echo "(no $1)"
}

# yh_expect_status RC STATUS WHAT: the last yh_status exited RC and said
# "status":STATUS as its first member.
yh_expect_status() {
	if [ "$RC" != "$1" ] || [ "$(yh_member status)" != "\"$2\"" ]; then
		yh_fail "$3: exit $RC and status $(yh_member status), want $1 and $2: $(cat "$T/status.json" "$T/status.err")"
		return 1
	fi
	head -c 30 "$T/status.json" | tr -d ' \t\n' | grep -q '^{"status":' ||
		yh_fail "$3: \"status\" is not the first member"
}
