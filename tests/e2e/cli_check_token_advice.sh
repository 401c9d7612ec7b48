#!/usr/bin/env bash
# cli_check_token_advice: --check accepts a weak token (exit 0) but warns
# in one line when it is shorter than 16 characters or holds a character
# that must be escaped in a URL (+ & % # ? space: the query string turns
# '+' into a space, so such a token never matches); a good one gets none.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init

check_token() {
	local token=$1 want=$2 what=$3 rc n
	yh_write_conf "token = \"$token\";"
	"$YH_BIN" --check --config "$CONF" >"$T/stdout" 2>"$T/stderr"
	rc=$?
	[ "$rc" -eq 0 ] || yh_fail "--check ($what) exited $rc: $(cat "$T/stderr")"
	n=$(grep -c 'warning' "$T/stderr")
	if [ "$n" -ne "$want" ]; then
		yh_fail "--check ($what): $n warning line(s), not $want: $(cat "$T/stderr")"
	fi
	if grep -qF -- "$token" "$T/stderr" "$T/stdout"; then
		yh_fail "--check ($what) printed the token"
	fi
}

check_token 'short-token-123' 1 "15 characters"
check_token 'abcdefghijklmnop+qrstuvwx' 1 "a plus"
check_token 'abcdefghijklmnop&qrstuvwx' 1 "an ampersand"
check_token 'abcdefghijklmnop%qrstuvwx' 1 "a percent"
check_token 'abcdefghijklmnop#qrstuvwx' 1 "a hash"
check_token 'abcdefghijklmnop?qrstuvwx' 1 "a question mark"
check_token 'abcdefghijklmnop qrstuvwx' 1 "a space"
check_token '0123456789abcdef' 0 "16 plain characters"
grep -q 'token is shorter than 16' <(yh_write_conf 'token = "x";'; "$YH_BIN" --check --config "$CONF" 2>&1) ||
	yh_fail "the warning does not say why"
yh_finish
