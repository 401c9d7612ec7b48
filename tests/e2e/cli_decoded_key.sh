#!/usr/bin/env bash
# cli_decoded_key: a batch whose status and click link are spelled with
# \u escapes, then re-escaped as raw UTF-8 (what a tool that rewrites JSON
# does to a quarantine file before --ingest), is one set of events: the
# second --ingest finds only duplicates, and the status goes to DELIVERED.csv.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf

printf '%s\n' '[{"iid":"e1","activityStatus":"\u0044ELIVERED","clickEventLink":"https://x.test/\u0441\u0430\u0439\u0442"}]' >"$T/escaped.json"
printf '%s\n' '[{"iid":"e1","activityStatus":"DELIVERED","clickEventLink":"https://x.test/сайт"}]' >"$T/raw.json"

"$YH_BIN" --ingest --config "$CONF" "$T/escaped.json" >"$T/stdout" 2>"$T/stderr" ||
	yh_die "--ingest (escaped) failed: $(cat "$T/stderr")"
"$YH_BIN" --ingest --config "$CONF" "$T/raw.json" >"$T/stdout" 2>"$T/stderr" ||
	yh_die "--ingest (raw) failed: $(cat "$T/stderr")"
if ! grep -q '"stored":0,"duplicates":1' "$T/stdout"; then
	yh_fail "the raw UTF-8 resend was not a duplicate: $(cat "$T/stdout")"
fi
day=$(ls "$CSV")
[ -f "$CSV/$day/DELIVERED.csv" ] || yh_fail "no DELIVERED.csv for \\u0044ELIVERED"
lines=$(cat "$SPOOL"/archive/*.jsonl | wc -l)
[ "$lines" -eq 1 ] || yh_fail "the archive holds $lines lines, not 1"
yh_finish
