#!/usr/bin/env bash
# cli_status_stale_consumer: with retention_days set, --status is unhealthy
# and names a consumer whose last ack is older than the retention (its
# unread days may be removed), and healthy again once it takes and acks
# new events.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf 'dedup_window_days = 2;' 'retention_days = 3;'

yh_ingest_ok bulk-campaign.json
"$YH_BIN" --tail --consumer gone --config "$CONF" >/dev/null 2>"$T/err" &&
	"$YH_BIN" --ack --consumer gone --config "$CONF" 2>"$T/err" || yh_die "tail/ack: $(cat "$T/err")"
yh_status
yh_expect_status 0 ok "a consumer that just acked"
sed -i "s/^acked .*/acked $(date -d '30 days ago' +%s)/" "$SPOOL/consumers/gone"
yh_status
yh_expect_status 1 unhealthy "a consumer that acked 30 days ago"
grep -q 'consumer gone: no ack for longer than retention_days' "$T/status.json" ||
	yh_fail "the stale consumer is not named: $(cat "$T/status.json")"
yh_ingest_ok triggered-campaign.json
"$YH_BIN" --tail --consumer gone --config "$CONF" >/dev/null 2>"$T/err" &&
	"$YH_BIN" --ack --consumer gone --config "$CONF" 2>"$T/err" || yh_die "tail/ack: $(cat "$T/err")"
yh_status
yh_expect_status 0 ok "the consumer acked again"
yh_finish
