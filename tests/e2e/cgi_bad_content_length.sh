#!/usr/bin/env bash
# cgi_bad_content_length: malformed framing, a CONTENT_LENGTH that is not a
# decimal number, answers 400 and writes nothing; a body shorter than its
# CONTENT_LENGTH (a cut connection) is not acknowledged either.
# (The binary is run directly as a CGI program.)
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf
body=$YH_DATA/bulk-campaign.json
size=$(wc -c <"$body")
for cl in abc -1 12x 0x10 "4 4"; do
	yh_cgi_run "$T/out" "$body" REQUEST_METHOD=POST CONTENT_TYPE=application/json \
		QUERY_STRING="token=$YH_TOKEN" CONTENT_LENGTH="$cl"
	yh_cgi_parse "$T/out"
	yh_expect_code 400 "POST with CONTENT_LENGTH '$cl'"
done
# A body cut short: fewer bytes than announced.
yh_cgi_run "$T/out" "$body" REQUEST_METHOD=POST CONTENT_TYPE=application/json \
	QUERY_STRING="token=$YH_TOKEN" CONTENT_LENGTH="$((size + 100))"
yh_cgi_parse "$T/out"
if [ "$CODE" = 200 ]; then
	yh_fail "a body 100 bytes shorter than its CONTENT_LENGTH was acknowledged with 200"
	yh_show_response
fi
if [ -n "$(yh_files "$SPOOL/archive")$(yh_files "$SPOOL/quarantine")" ]; then
	yh_fail "malformed requests wrote: $(yh_files "$SPOOL" | tr '\n' ' ')"
fi
# And a well-formed one still works afterwards.
yh_cgi_run "$T/out" "$body" REQUEST_METHOD=POST CONTENT_TYPE=application/json \
	QUERY_STRING="token=$YH_TOKEN" CONTENT_LENGTH="$size"
yh_cgi_parse "$T/out"
yh_expect_code 200 "POST with the right CONTENT_LENGTH" &&
	yh_expect_body_file "$YH_EXPECTED/bulk/response.json" "POST with the right CONTENT_LENGTH"
yh_check_files bulk
yh_finish
