#!/usr/bin/env bash
# cli_consumer_compressed: a consumer that stopped in the middle of a day
# goes on from the same event once that day has been compressed: its
# offset counts bytes of the day's lines, whatever form the file has.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=days_lib.sh
. "$(dirname "$0")/days_lib.sh"
yh_init
yh_write_conf 'allow_anonymous = true;'

rebuilt_old_day 40 5 old
cp "$SPOOL/archive/$old.jsonl" "$T/old.jsonl"

tail_ack() {
	"$YH_BIN" --tail --consumer c --config "$CONF" "$@" 2>"$T/err" || yh_die "--tail: $(cat "$T/err")"
	"$YH_BIN" --ack --consumer c --config "$CONF" 2>"$T/err" || yh_die "--ack: $(cat "$T/err")"
}
tail_ack --max-events 15 >"$T/r1"
cgi_post "$YH_DATA/bulk-campaign.json"
[ "$CODE" = 200 ] || yh_die "the batch was answered $CODE"
[ -f "$SPOOL/archive/$old.jsonl.gz" ] && [ ! -e "$SPOOL/archive/$old.jsonl" ] ||
	yh_die "archive/$old was not compressed by the batch after it"
tail_ack >"$T/r2"
cat "$T/r1" "$T/r2" >"$T/got"
{ cat "$T/old.jsonl"; cat "$SPOOL/archive/$(date -u +%F).jsonl"; } >"$T/want"
cmp -s "$T/got" "$T/want" ||
	yh_fail "across the compression the consumer did not get every event once: $(diff "$T/want" "$T/got" | head -4)"
"$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1 || yh_fail "--verify: $(cat "$T/verify")"
yh_finish
