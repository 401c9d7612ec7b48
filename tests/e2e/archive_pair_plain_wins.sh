#!/usr/bin/env bash
# archive_pair_plain_wins: a day left in both forms by a rewrite killed
# between its rename and its removal of the other form (here yesterday,
# plain with 6 events and a gz copy with 3) is read as its plain file by
# --export and --verify, and the next batch removes the gz copy.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=days_lib.sh
. "$(dirname "$0")/days_lib.sh"
yh_init
yh_write_conf 'allow_anonymous = true;'

day=$(days_ago 1)
mkdir -p "$SPOOL/archive"
old_day "$SPOOL" "$day" 6 y
head -n 3 "$SPOOL/archive/$day.jsonl" | gzip -c >"$SPOOL/archive/$day.jsonl.gz"
"$YH_BIN" --rebuild --config "$CONF" >/dev/null 2>"$T/err" || yh_die "--rebuild: $(cat "$T/err")"
"$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1 || yh_fail "--verify: $(cat "$T/verify")"
"$YH_BIN" --export --config "$CONF" --from "$day" --to "$day" --format jsonl >"$T/export" 2>"$T/err" ||
	yh_fail "--export: $(cat "$T/err")"
cmp -s "$T/export" "$SPOOL/archive/$day.jsonl" || yh_fail "--export did not read the plain file"

new_batch "$T/today.json" t 2
cgi_post "$T/today.json"
[ "$CODE" = 200 ] || yh_die "the batch was answered $CODE"
[ ! -e "$SPOOL/archive/$day.jsonl.gz" ] || yh_fail "the gz copy beside the plain day is still there"
[ "$(wc -l <"$SPOOL/archive/$day.jsonl")" -eq 6 ] || yh_fail "the plain day changed"
"$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1 || yh_fail "--verify: $(cat "$T/verify")"
yh_finish
