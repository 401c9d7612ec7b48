#!/usr/bin/env bash
# cli_check_token_list_advice: with token as a list (key rotation), --check
# gives its advice for each entry: one warning line per weak token, naming
# its place in the list and never the token; strong entries get none.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init

check_list() {
	local list=$1 want=$2 what=$3 rc n
	yh_write_conf "token = $list;"
	"$YH_BIN" --check --config "$CONF" >"$T/stdout" 2>"$T/stderr"
	rc=$?
	[ "$rc" -eq 0 ] || yh_fail "--check ($what) exited $rc: $(cat "$T/stderr")"
	n=$(grep -c 'warning' "$T/stderr")
	[ "$n" -eq "$want" ] ||
		yh_fail "--check ($what): $n warning line(s), not $want: $(cat "$T/stderr")"
	if grep -qE 'short-1|a\+b' "$T/stderr" "$T/stdout"; then
		yh_fail "--check ($what) printed a token"
	fi
}

check_list '[ "0123456789abcdef", "0123456789ABCDEF" ]' 0 "two strong tokens"
check_list '[ "0123456789abcdef", "short-1" ]' 1 "a strong and a short token"
check_list '[ "short-1", "abcdefghijklmnopa+bqrs" ]' 2 "a short token and one with a plus"
grep -q 'token 2 of 2 is shorter than 16' <(yh_write_conf 'token = [ "0123456789abcdef", "short-1" ];'
	"$YH_BIN" --check --config "$CONF" 2>&1) ||
	yh_fail "the warning does not name the entry"
yh_finish
