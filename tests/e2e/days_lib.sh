# Archive days made by hand, for the compression and retention tests.
# shellcheck shell=bash

# days_ago N: the UTC date N days before today, YYYY-MM-DD.
days_ago() { date -u -d "$1 days ago" +%F; }

# old_day SPOOL YYYY-MM-DD N PREFIX: write SPOOL/archive/YYYY-MM-DD.jsonl,
# N valid archive lines received that day (iids PREFIX-1..N).  Run
# --rebuild after, so the index and the views hold them.
old_day() {
	awk -v day="$2" -v n="$3" -v p="$4" 'BEGIN {
		for (i = 1; i <= n; i++)
			printf "{\"iid\":\"%s-%d\",\"contactId\":%d,\"email\":\"u%d@example.com\"," \
			    "\"mediaType\":\"email\",\"activityStatus\":\"DELIVERED\"," \
			    "\"activityDateTime\":\"%sT08:00:00\",\"_receivedAt\":\"%sT%02d:%02d:%02dZ\"}\n",
			    p, i, 1000 + i, i, day, day, int(i / 3600) % 24, int(i / 60) % 60, i % 60
	}' >"$1/archive/$2.jsonl"
}

# rebuilt_old_day N DAYS_AGO PREFIX: an archive day DAYS_AGO days old with N
# lines (old_day), taken in by --rebuild; sets $old to its date.
rebuilt_old_day() {
	old=$(days_ago "$2")
	mkdir -p "$SPOOL/archive"
	old_day "$SPOOL" "$old" "$1" "$3"
	"$YH_BIN" --rebuild --config "$CONF" >/dev/null 2>"$T/err" || yh_die "--rebuild: $(cat "$T/err")"
}

# as_batch FILE: archive lines on stdin as one JSON array (stamps dropped) in FILE.
as_batch() {
	sed 's/,"_receivedAt":"[^"]*"}$/}/' |
		awk 'BEGIN { printf "[" } NR > 1 { printf ",\n" } { printf "%s", $0 } END { print "]" }' >"$1"
}

# new_batch FILE PREFIX N: a batch of N new events (iids PREFIX-1..N).
new_batch() {
	local t
	t=$(mktemp) || return 1
	mkdir -p "$t.d/archive"
	old_day "$t.d" "$(date -u +%F)" "$3" "$2"
	as_batch "$1" <"$t.d/archive/$(date -u +%F).jsonl"
	rm -rf "$t" "$t.d"
}

# Every archive line of SPOOL, plain and compressed days alike; a day in
# both forms (a rewrite killed midway) is its plain file, as for the handler.
archive_cat() {
	local f
	for f in "$1"/archive/*.jsonl "$1"/archive/*.jsonl.gz; do
		[ -e "$f" ] || continue
		case $f in *.gz) [ -e "${f%.gz}" ] && continue ;; esac
		zcat -f "$f"
	done
}

# The archive's lines, sorted.
archive_lines() { archive_cat "$1" | LC_ALL=C sort; }

# cgi_post FILE: one CGI POST of FILE (yh_cgi_run of e2e/lib.sh); the
# answer parsed into $CODE and $T/resp.body, the handler's log in $T/cgi.err.
cgi_post() {
	yh_cgi_run "$T/out" "$1" REQUEST_METHOD=POST CONTENT_TYPE=application/json \
		CONTENT_LENGTH="$(wc -c <"$1")"
	yh_cgi_parse "$T/out"
}

# compressed_day DAYS_AGO N PREFIX: an archive day DAYS_AGO days old of N
# events (iids PREFIX-1..N) by hand, taken in by --rebuild, then compressed
# by the step after the answer to a batch of 2 new events (iids nPREFIX-1
# and -2).  Sets $old.
compressed_day() {
	old=$(days_ago "$1")
	mkdir -p "$SPOOL/archive"
	old_day "$SPOOL" "$old" "$2" "$3"
	"$YH_BIN" --rebuild --config "$CONF" >/dev/null 2>"$T/err" || yh_die "--rebuild: $(cat "$T/err")"
	new_batch "$T/first.json" "n$3" 2
	cgi_post "$T/first.json"
	[ -f "$SPOOL/archive/$old.jsonl.gz" ] || yh_die "archive/$old.jsonl was not compressed"
}
