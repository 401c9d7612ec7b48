#!/usr/bin/env bash
# cgi_quarantine_full: with the quarantine at quarantine_max_bytes, a batch
# that needs quarantine is answered 503 with Retry-After and nothing of it
# is written, the log and the authorised probe say why, and a clean batch
# is still stored (200).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf "quarantine_max_bytes = 1048576;"
mkdir -m 0700 "$SPOOL/quarantine"
head -c 1048576 /dev/zero >"$SPOOL/quarantine/0123456789abcdef0123456789abcdef.body"
printf '[{"iid":"q-1"}, 5]' >"$T/mixed.json"
yh_cgi_run "$T/out" "$T/mixed.json" REQUEST_METHOD=POST CONTENT_LENGTH=18 \
	CONTENT_TYPE=application/json QUERY_STRING="token=$YH_TOKEN"
yh_cgi_parse "$T/out"
if yh_expect_code 503 "POST needing quarantine"; then
	yh_expect_header Retry-After 60 "POST needing quarantine"
fi
grep -q 'quarantine_max_bytes' "$T/cgi.err" || yh_fail "the log does not say the quarantine is full: $(cat "$T/cgi.err")"
[ -z "$(yh_files "$SPOOL/archive")" ] || yh_fail "a batch answered 503 was partly archived"
[ "$(yh_files "$SPOOL/quarantine" | wc -l)" -eq 1 ] || yh_fail "quarantine got files: $(yh_files "$SPOOL/quarantine" | tr '\n' ' ')"

yh_cgi_run "$T/out" /dev/null REQUEST_METHOD=GET QUERY_STRING="token=$YH_TOKEN"
yh_cgi_parse "$T/out"
if yh_expect_code 200 "authorised probe"; then
	grep -q '"problems":\[[^]]*quarantine_max_bytes' "$T/resp.body" ||
		yh_fail "the authorised probe does not say the quarantine is full: $(cat "$T/resp.body")"
fi

yh_cgi_run "$T/out" "$YH_DATA/triggered-campaign.json" REQUEST_METHOD=POST \
	CONTENT_LENGTH="$(wc -c <"$YH_DATA/triggered-campaign.json")" \
	CONTENT_TYPE=application/json QUERY_STRING="token=$YH_TOKEN"
yh_cgi_parse "$T/out"
yh_expect_code 200 "clean POST" &&
	yh_expect_body_file "$YH_EXPECTED/triggered/response.json" "clean POST"
yh_finish
