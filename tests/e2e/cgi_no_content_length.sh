#!/usr/bin/env bash
# cgi_no_content_length: as plain CGI under Apache mod_cgid a chunked POST
# arrives without CONTENT_LENGTH; the binary then reads the body to end of
# input and stores it.  (The binary is run directly as a CGI program.)
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf
yh_cgi_run "$T/out" "$YH_DATA/edge.json" REQUEST_METHOD=POST \
	CONTENT_TYPE=application/json QUERY_STRING="token=$YH_TOKEN" \
	HTTP_TRANSFER_ENCODING=chunked
rc=$?
[ "$rc" -eq 0 ] || yh_fail "the CGI run exited $rc: $(cat "$T/cgi.err")"
yh_cgi_parse "$T/out"
if yh_expect_code 200 "POST without CONTENT_LENGTH"; then
	yh_expect_json_type "POST without CONTENT_LENGTH"
	yh_expect_body_file "$YH_EXPECTED/edge/response.json" "POST without CONTENT_LENGTH"
fi
yh_check_files edge
yh_finish
