#!/usr/bin/env bash
# fastcgi_auth: a POST without the configured credentials is refused (403
# for a token, 401 with WWW-Authenticate for Basic auth) and writes nothing;
# the token works in the query and in the X-Webhook-Token header; Basic
# credentials work.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
body=$YH_DATA/bulk-campaign.json

expect_nothing_written() {
	if [ -n "$(yh_files "$SPOOL/archive")$(yh_files "$SPOOL/quarantine")" ]; then
		yh_fail "$1 wrote: $(yh_files "$SPOOL" | tr '\n' ' ')"
	fi
	if [ -d "$CSV" ] && [ -n "$(yh_files "$CSV")" ]; then
		yh_fail "$1 wrote CSV files: $(yh_files "$CSV" | tr '\n' ' ')"
	fi
}

# 1. Token.
yh_std_conf
yh_lt_start fastcgi
yh_post_file "$BASE$HOOK" "$body"
yh_expect_code 403 "POST without a token"
for bad in wrong "${YH_TOKEN%?}" "${YH_TOKEN}x" ""; do
	yh_post_file "$BASE$HOOK?token=$bad" "$body"
	yh_expect_code 403 "POST with token '$bad'"
	yh_post_file "$BASE$HOOK" "$body" -H "X-Webhook-Token: $bad"
	yh_expect_code 403 "POST with header X-Webhook-Token '$bad'"
done
# Credentials of the wrong kind do not stand in for the token.
yh_post_file "$BASE$HOOK" "$body" -u "yespo:$YH_TOKEN"
yh_expect_code 403 "POST with Basic credentials instead of the token"
expect_nothing_written "refused POSTs"

yh_post_file "$BASE$HOOK" "$body" -H "X-Webhook-Token: $YH_TOKEN"
yh_expect_code 200 "POST with header X-Webhook-Token" &&
	yh_expect_body_file "$YH_EXPECTED/bulk/response.json" "POST with header X-Webhook-Token"
yh_check_files bulk
# The token among other query parameters.
yh_post_file "$BASE$HOOK?a=1&token=$YH_TOKEN&b=2" "$body"
yh_expect_code 200 "POST with the token among other parameters" &&
	yh_expect_body '{"received":4,"stored":0,"duplicates":4,"quarantined":0}' \
		"POST with the token among other parameters"
yh_lt_stop

# 2. Basic auth (a password may hold a colon and a space).
rm -rf "$SPOOL" "$CSV"
mkdir -m 0700 "$SPOOL"
yh_write_conf 'basic_auth = { user = "yespo"; password = "pa:ss w0rd"; };'
yh_lt_start fastcgi
for creds in "" "yespo:wrong" "yespo:pa:ss" "other:pa:ss w0rd" "yespo:pa:ss w0rdx"; do
	if [ -n "$creds" ]; then
		yh_post_file "$BASE$HOOK" "$body" -u "$creds"
	else
		yh_post_file "$BASE$HOOK" "$body"
	fi
	yh_expect_code 401 "POST with Basic credentials '$creds'" || continue
	www=$(yh_header WWW-Authenticate)
	case $www in
	[Bb][Aa][Ss][Ii][Cc]\ *) ;;
	*) yh_fail "401 for '$creds': WWW-Authenticate is '$www', expected a Basic challenge" ;;
	esac
done
expect_nothing_written "POSTs refused for Basic auth"
yh_post_file "$BASE$HOOK" "$body" -u "yespo:pa:ss w0rd"
yh_expect_code 200 "POST with the right Basic credentials" &&
	yh_expect_body_file "$YH_EXPECTED/bulk/response.json" "POST with the right Basic credentials"
yh_check_files bulk
yh_finish
