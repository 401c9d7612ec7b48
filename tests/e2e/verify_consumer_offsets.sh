#!/usr/bin/env bash
# verify_consumer_offsets: --verify passes with a consumer at a line
# boundary of a compressed day, and fails, naming the consumer, when its
# committed or pending offset points into a line or at a day the archive
# lacks.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=days_lib.sh
. "$(dirname "$0")/days_lib.sh"
yh_init
yh_write_conf 'allow_anonymous = true;'

compressed_day 5 4 old
"$YH_BIN" --tail --consumer c --max-events 2 --config "$CONF" >"$T/tail" 2>"$T/err" &&
	"$YH_BIN" --ack --consumer c --config "$CONF" 2>"$T/err" || yh_die "tail/ack: $(cat "$T/err")"
at=$(wc -c <"$T/tail")
grep -q "^committed $old $at\$" "$SPOOL/consumers/c" || yh_die "consumer c: $(cat "$SPOOL/consumers/c")"
"$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1 || yh_fail "--verify at a line boundary: $(cat "$T/verify")"

cp "$SPOOL/consumers/c" "$T/c.good"
sed -i "s/^committed $old $at\$/committed $old $((at - 5))/" "$SPOOL/consumers/c"
if "$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1; then
	yh_fail "--verify passed with an offset inside a line"
fi
grep -q "consumers/c: committed place $old $((at - 5)) is not at a line" "$T/verify" ||
	yh_fail "the offset inside a line is not named: $(cat "$T/verify")"

cp "$T/c.good" "$SPOOL/consumers/c"
sed -i "s/^pending .*/pending $(days_ago 9) 0/" "$SPOOL/consumers/c"
if "$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1; then
	yh_fail "--verify passed with an offset in a day the archive lacks"
fi
grep -q "consumers/c: pending place $(days_ago 9) 0 is not at a line" "$T/verify" ||
	yh_fail "the offset in a missing day is not named: $(cat "$T/verify")"
yh_finish
