#!/usr/bin/env bash
# retention_moves_stale_consumer: a consumer whose last ack is older than
# retention_days holds nothing back: the days it has not read go, the log
# warns about it and says where it moved, its place moves to the start of
# the next remaining day, --verify passes and --tail reads on from there.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=retention_lib.sh
. "$(dirname "$0")/retention_lib.sh"
yh_init
retention_spool
"$YH_BIN" --tail --consumer gone --max-events 5 --config "$CONF" >/dev/null 2>"$T/err" &&
	"$YH_BIN" --ack --consumer gone --config "$CONF" 2>"$T/err" || yh_die "tail/ack: $(cat "$T/err")"
sed -i "s/^acked .*/acked $(date -d '30 days ago' +%s)/" "$SPOOL/consumers/gone"

cgi_post "$T/today.json"
[ "$CODE" = 200 ] || yh_die "the batch was answered $CODE"
! has_day "$d8" || yh_fail "archive day $d8 is still there"
grep -q 'retention: consumer gone is older than retention_days' "$T/cgi.err" ||
	yh_fail "no warning about the stale consumer"
grep -q "retention: consumer gone .* moved from $d10 [0-9]* to $d2 0" "$T/cgi.err" ||
	yh_fail "no log line for the move: $(grep retention "$T/cgi.err")"
grep -q "^committed $d2 0$" "$SPOOL/consumers/gone" || yh_fail "the consumer's place: $(cat "$SPOOL/consumers/gone")"
"$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1 || yh_fail "--verify: $(cat "$T/verify")"
"$YH_BIN" --tail --consumer gone --max-events 5 --config "$CONF" >"$T/tail" 2>"$T/err" ||
	yh_fail "--tail: $(cat "$T/err")"
[ "$(grep -c '"iid":"d2-' "$T/tail")" -eq 5 ] || yh_fail "the consumer did not read on from $d2"
yh_finish
