# shellcheck shell=bash
# tests/stress/lib.sh: shared by the stress tests (tests/stress/*.sh), on
# top of tests/e2e/lib.sh (lighttpd on a free loopback port, temp dir,
# watchdog, clean-up).  Sourced as
#     . "$(dirname "$0")/lib.sh" BINARY SOURCE_DIR
#
# What it adds:
#   ys_gen FIRST COUNT      events FIRST .. FIRST+COUNT-1, one compact JSON
#                           object a line (deterministic: a function of the
#                           event's number only)
#   ys_batch FILE LINES...  a JSON array of the given event lines
#   ys_events_of SPOOL      the archive's events, _receivedAt removed, sorted
#   ys_malformed_of SPOOL   archive lines that are not one event with a stamp
#   ys_compare WANT GOT WHAT  sets YS_LOST, YS_DOUBLED (extra copies), YS_EXTRA
#                           (never sent) and reports what differed
#   ys_check_views CONF CSVDIR WHAT  CSVs equal --rebuild's and --verify passes
#   ys_lt_start MODE MAXPROCS  yh_lt_start with max-procs set

# shellcheck source-path=SCRIPTDIR source=../e2e/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/../e2e" && pwd)/lib.sh"
# shellcheck source=../e2e/days_lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/../e2e" && pwd)/days_lib.sh"

# tests/e2e/lib.sh writes max-procs 2; the stress tests want their own
# number of FastCGI workers.  Wrap its config writer and check the result.
eval "$(declare -f yh_lt_write_conf | sed '1s/^yh_lt_write_conf/ys_e2e_lt_write_conf/')"
YS_MAX_PROCS=2
yh_lt_write_conf() {
	ys_e2e_lt_write_conf "$@"
	if [ "$1" = fastcgi ]; then
		sed -i "s/\"max-procs\" => [0-9]*,/\"max-procs\" => $YS_MAX_PROCS,/" "$YH_LT_CONF"
		grep -q "\"max-procs\" => $YS_MAX_PROCS," "$YH_LT_CONF" ||
			yh_die "could not set max-procs in $YH_LT_CONF"
	fi
}
ys_lt_start() {
	YS_MAX_PROCS=${2:-2}
	yh_lt_start "$1"
}

# Event n of the stress data.  Events 2k and 2k+1 share an iid (the same
# message, two statuses, as in the bulk fixture); every event's key
# (iid, activityStatus, activityDateTime, clickEventLink) is unique.  Some
# carry what the CSV view must treat with care: a formula-looking name,
# escapes and UTF-8, an integer beyond 2^53, an unknown status (OTHER), an
# undocumented member (the extra column).
ys_gen() {
	awk -v first="$1" -v count="$2" 'BEGIN {
		split("UNDELIVERED READ CLICKED SPAM UNSUBSCRIBED SENT new-status", st, " ")
		for (n = first; n < first + count; n++) {
			m = int(n / 2)
			s = m % 86400; d = int(m / 86400)
			dt = sprintf("%04d-%02d-%02dT%02d:%02d:%02d", 2023 + int(d / 336),
			    1 + int(d / 28) % 12, 1 + d % 28, int(s / 3600), int(s / 60) % 60, s % 60)
			status = n % 2 == 0 ? "DELIVERED" : st[1 + m % 7]
			name = "stress " (m % 5)
			if (m % 13 == 0) name = "=HYPERLINK(\\\"x\\\")"
			if (m % 17 == 0) name = "Привіт \\u00e9 \\\\ tab\\t"
			media = m % 3 == 0 ? "sms" : "email"
			line = sprintf("{\"broadcastId\":3459207,\"messageName\":\"%s\"," \
			    "\"iid\":\"5e1f0000-0000-4000-8000-%012d\",\"contactId\":%s," \
			    "\"email\":\"u%d@example.com\",\"mediaType\":\"%s\"," \
			    "\"activityStatus\":\"%s\",\"messageId\":%d,\"messageInstanceId\":4702518," \
			    "\"activityDateTime\":\"%s\"", name, m,
			    m % 11 == 0 ? "12345678901234567890" m % 10 : 1000000 + m,
			    m, media, status, 2489300 + m % 3, dt)
			if (status == "CLICKED")
				line = line sprintf(",\"clickEventLink\":\"https://example.com/c/%d\"", m)
			if (m % 19 == 0)
				line = line ",\"customField\":{\"a\":[1,2,null],\"b\":true}"
			print line ",\"statusData\":{}}"
		}
	}'
}

# ys_batch FILE: the event lines on stdin as one JSON array in FILE.
ys_batch() {
	awk 'BEGIN { printf "[" } NR > 1 { printf ",\n" } { printf "%s", $0 } END { print "]" }' >"$1"
}

# The archive's events with their receipt stamps removed, sorted.
ys_events_of() {
	archive_cat "$1" |
		sed -n 's/,"_receivedAt":"[0-9T:Z-]*"}$/}/p' | LC_ALL=C sort
}

# Archive lines that do not end in a receipt stamp (half lines, garbage).
ys_malformed_of() {
	archive_cat "$1" | grep -cv ',"_receivedAt":"[0-9T:Z-]*"}$'
}

# ys_compare WANT GOT WHAT: both sorted; WANT has no repeats.  Sets
# YS_LOST (in WANT, not in GOT), YS_DOUBLED (extra copies of any event)
# and YS_EXTRA (events in GOT that are not in WANT), and shows some.
ys_compare() {
	local want=$1 got=$2 what=$3
	YS_LOST=$(LC_ALL=C comm -23 "$want" "$got" | wc -l)
	YS_DOUBLED=$(($(wc -l <"$got") - $(LC_ALL=C uniq "$got" | wc -l)))
	YS_EXTRA=$(LC_ALL=C uniq "$got" | LC_ALL=C comm -13 "$want" - | wc -l)
	if [ "$YS_LOST" -ne 0 ]; then
		yh_fail "$what: $YS_LOST events acknowledged but not in the archive, e.g.:"
		LC_ALL=C comm -23 "$want" "$got" | head -n 3 | sed 's/^/    /' >&2
	fi
	if [ "$YS_DOUBLED" -ne 0 ]; then
		yh_fail "$what: $YS_DOUBLED extra copies of events in the archive, e.g.:"
		LC_ALL=C uniq -d "$got" | head -n 3 | sed 's/^/    /' >&2
	fi
	if [ "$YS_EXTRA" -ne 0 ]; then
		yh_fail "$what: $YS_EXTRA events in the archive that nobody sent, e.g.:"
		LC_ALL=C uniq "$got" | LC_ALL=C comm -13 "$want" - | head -n 3 | sed 's/^/    /' >&2
	fi
}

# ys_check_views CONF CSVDIR WHAT: no writer running.  The CSVs and
# summaries must be byte for byte what --rebuild makes from the archive,
# and --verify must pass (before and after the rebuild).  Each command
# has 120 s (a hang shows as exit status 124).
ys_check_views() {
	local conf=$1 csv=$2 what=$3 keep=$T/views.before
	rm -rf "$keep"
	if [ ! -d "$csv" ]; then
		yh_fail "$what: no CSV directory $csv"
		return 1
	fi
	timeout 120 "$YH_BIN" --verify --config "$conf" >"$T/verify.out" 2>&1 ||
		yh_fail "$what: --verify failed: $(head -n 5 "$T/verify.out")"
	cp -a "$csv" "$keep" || yh_die "cannot copy $csv"
	timeout 120 "$YH_BIN" --rebuild --config "$conf" >"$T/rebuild.out" 2>&1 ||
		yh_fail "$what: --rebuild failed: $(head -n 5 "$T/rebuild.out")"
	if ! diff -r -x index.html -x "*.xlsx" "$keep" "$csv" >"$T/views.diff" 2>&1; then
		yh_fail "$what: the CSVs differ from what --rebuild makes (< as served, > rebuilt):"
		head -n 20 "$T/views.diff" | cut -c1-300 >&2
	fi
	timeout 120 "$YH_BIN" --verify --config "$conf" >"$T/verify.out" 2>&1 ||
		yh_fail "$what: --verify after --rebuild failed: $(head -n 5 "$T/verify.out")"
	rm -rf "$keep"
}
