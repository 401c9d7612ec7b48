#!/usr/bin/env bash
# archive_compress: a closed archive day (five days old, written by hand
# and taken in by --rebuild) is compressed after the next batch's answer:
# the plain file goes, zcat gives back its bytes, --verify passes,
# --export and --tail read it, and a resend of its events is still a
# duplicate.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=days_lib.sh
. "$(dirname "$0")/days_lib.sh"
yh_init
yh_write_conf 'allow_anonymous = true;'

rebuilt_old_day 40 5 old
cp "$SPOOL/archive/$old.jsonl" "$T/old.jsonl"
cgi_post "$YH_DATA/bulk-campaign.json"
[ "$CODE" = 200 ] || yh_die "the batch was answered $CODE"

[ ! -e "$SPOOL/archive/$old.jsonl" ] || yh_fail "archive/$old.jsonl is still there"
[ -f "$SPOOL/archive/$old.jsonl.gz" ] || yh_die "no archive/$old.jsonl.gz"
[ -f "$SPOOL/archive/$(date -u +%F).jsonl" ] || yh_fail "today's day is not plain"
zcat "$SPOOL/archive/$old.jsonl.gz" | cmp -s - "$T/old.jsonl" ||
	yh_fail "zcat does not give back the day's bytes"
"$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1 || yh_fail "--verify: $(cat "$T/verify")"
"$YH_BIN" --export --config "$CONF" --from "$old" --to "$old" --format jsonl >"$T/export" 2>"$T/err" ||
	yh_fail "--export: $(cat "$T/err")"
cmp -s "$T/export" "$T/old.jsonl" || yh_fail "--export of the compressed day differs"
"$YH_BIN" --tail --consumer c --max-events 40 --config "$CONF" >"$T/tail" 2>"$T/err" ||
	yh_fail "--tail: $(cat "$T/err")"
cmp -s "$T/tail" "$T/old.jsonl" || yh_fail "--tail of the compressed day differs"

as_batch "$T/resend.json" <"$T/old.jsonl"
cgi_post "$T/resend.json"
grep -q '"stored":0,"duplicates":40' "$T/resp.body" ||
	yh_fail "the resent day was not all duplicates: $(cat "$T/resp.body")"
yh_finish
