#!/usr/bin/env bash
# cli_consumer_torn_tail: a writer killed in the middle of its append leaves
# a line without its newline at the end of the day; --tail never hands it
# out (it was never acknowledged), and once the next writer has cut it and
# stored its own batch, the consumer gets every archived event exactly once.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf
yh_ingest_ok bulk-campaign.json
DAY=$(cd "$CSV" && ls)
printf '{"iid":"torn-1","activityStatus":"DELIVERED"' >>"$SPOOL/archive/$DAY.jsonl"

tail_ack() {
	"$YH_BIN" --tail --consumer w --config "$CONF" >"$1" 2>"$T/err" ||
		yh_die "--tail: $(cat "$T/err")"
	"$YH_BIN" --ack --consumer w --config "$CONF" 2>"$T/err" || yh_die "--ack: $(cat "$T/err")"
}
tail_ack "$T/r1"
grep -q 'torn-1' "$T/r1" && yh_fail "--tail handed out the torn line of a killed writer"
yh_ingest_ok triggered-campaign.json
grep -q 'torn-1' "$SPOOL/archive/$DAY.jsonl" && yh_fail "the next writer kept the torn line"
tail_ack "$T/r2"
"$YH_BIN" --export --format jsonl --config "$CONF" >"$T/all" 2>"$T/err" || yh_die "--export: $(cat "$T/err")"
cat "$T/r1" "$T/r2" >"$T/got"
cmp -s "$T/got" "$T/all" || yh_fail "the two rounds are not every archived event once, in order"
yh_finish
