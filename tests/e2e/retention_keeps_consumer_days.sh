#!/usr/bin/env bash
# retention_keeps_consumer_days: a consumer that acked the day 10 days old
# (and so has not read the one 8 days old) keeps that day from retention,
# says so in the log, and reads on from it; --verify passes.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=retention_lib.sh
. "$(dirname "$0")/retention_lib.sh"
yh_init
retention_spool
"$YH_BIN" --tail --consumer live --max-events 5 --config "$CONF" >/dev/null 2>"$T/err" &&
	"$YH_BIN" --ack --consumer live --config "$CONF" 2>"$T/err" || yh_die "tail/ack: $(cat "$T/err")"

cgi_post "$T/today.json"
[ "$CODE" = 200 ] || yh_die "the batch was answered $CODE"
! has_day "$d10" || yh_fail "archive day $d10, read by the consumer, is still there"
has_day "$d8" || yh_fail "archive day $d8, not yet read by the consumer, went"
[ -d "$CSV/$d8" ] || yh_fail "CSV folder $d8 went with its archive day kept"
grep -q "retention: keeping archive/$d8 and later days" "$T/cgi.err" || yh_fail "no log line for the kept days"
"$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1 || yh_fail "--verify: $(cat "$T/verify")"
"$YH_BIN" --tail --consumer live --max-events 5 --config "$CONF" >"$T/tail" 2>"$T/err" ||
	yh_fail "--tail: $(cat "$T/err")"
[ "$(grep -c '"iid":"d8-' "$T/tail")" -eq 5 ] || yh_fail "the consumer did not read on from $d8: $(head -c 300 "$T/tail")"
yh_finish
