#!/usr/bin/env bash
# cli_status_consumers: --status lists each consumer with its committed
# place, its lag in events and bytes still to take, and its last ack, as
# --consumers counts them, across a day boundary.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf

# Two days: yesterday's 3 events (views made by --rebuild), then today's 4.
mkdir -p "$SPOOL/archive"
y=$(date -u -d yesterday +%F)
for i in 1 2 3; do
	printf '{"iid":"c-%d","activityStatus":"READ","_receivedAt":"%sT10:00:00Z"}\n' "$i" "$y"
done >"$SPOOL/archive/$y.jsonl"
"$YH_BIN" --rebuild --config "$CONF" >/dev/null 2>&1 || yh_die "--rebuild failed"
yh_ingest_ok bulk-campaign.json

yh_status
[ "$(yh_member consumers)" = '[]' ] || yh_fail "consumers before any: $(yh_member consumers)"
"$YH_BIN" --tail --consumer loader --max-events 2 --config "$CONF" >/dev/null &&
	"$YH_BIN" --ack --consumer loader --config "$CONF" || yh_die "--tail/--ack failed"
yh_status
yh_expect_status 0 ok "one consumer"
[ "$(yh_member consumers.0.name)" = '"loader"' ] || yh_fail "consumers: $(yh_member consumers)"
[ "$(yh_member consumers.0.lag_events)" = 5 ] ||
	yh_fail "lag_events is $(yh_member consumers.0.lag_events), want 5: $(yh_member consumers)"
want=$(($(stat -c %s "$SPOOL/archive/$y.jsonl") + $(stat -c %s "$SPOOL/archive/$(date -u +%F).jsonl") -
	$(head -n 2 "$SPOOL/archive/$y.jsonl" | wc -c)))
[ "$(yh_member consumers.0.lag_bytes)" = "$want" ] ||
	yh_fail "lag_bytes is $(yh_member consumers.0.lag_bytes), want $want"
case $(yh_member consumers.0.committed) in
"\"$y "*) ;;
*) yh_fail "committed is $(yh_member consumers.0.committed)" ;;
esac
[ "$(yh_member consumers.0.last_ack)" != null ] || yh_fail "last_ack is null after an ack"
"$YH_BIN" --consumers --config "$CONF" | grep -q "^loader	.*	5	" ||
	yh_fail "--consumers counts another lag: $("$YH_BIN" --consumers --config "$CONF")"
yh_finish
