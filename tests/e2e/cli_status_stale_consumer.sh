#!/usr/bin/env bash
# cli_status_stale_consumer: with retention_days set, --status is unhealthy
# and names a consumer whose last ack is older than the retention while it
# still needs a day retention removes; it is healthy again once the
# consumer reads on and acks, and a consumer that read everything is never
# stale, however long it has been idle.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf 'dedup_window_days = 2;' 'retention_days = 3;'

yh_ingest_ok bulk-campaign.json
DAY=$(cd "$CSV" && ls)
OLD=$(date -u -d "$DAY - 10 days" +%F)
cp "$SPOOL/archive/$DAY.jsonl" "$SPOOL/archive/$OLD.jsonl"
tail_ack() {
	"$YH_BIN" --tail --consumer gone --config "$CONF" "$@" >/dev/null 2>"$T/err" &&
		"$YH_BIN" --ack --consumer gone --config "$CONF" 2>"$T/err" ||
		yh_die "tail/ack: $(cat "$T/err")"
}
# One event into the old day: the rest of it is still to read.
tail_ack --max-events 1
yh_status
yh_expect_status 0 ok "a consumer that just acked"
sed -i "s/^acked .*/acked $(date -d '30 days ago' +%s)/" "$SPOOL/consumers/gone"
yh_status
yh_expect_status 1 unhealthy "a consumer that acked 30 days ago, inside a day past retention"
grep -q 'consumer gone: no ack for longer than retention_days' "$T/status.json" ||
	yh_fail "the stale consumer is not named: $(cat "$T/status.json")"
# Read to the end: nothing is held back, however old the ack.
tail_ack
sed -i "s/^acked .*/acked $(date -d '30 days ago' +%s)/" "$SPOOL/consumers/gone"
yh_status
yh_expect_status 0 ok "a consumer idle for 30 days that read everything"
yh_finish
