#!/usr/bin/env bash
# cgi_chunked: a POST with "Transfer-Encoding: chunked" (no Content-Length
# from the client) through lighttpd's mod_cgi is stored like any other.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf
yh_lt_start cgi
yh_post_file "$BASE$HOOK?token=$YH_TOKEN" "$YH_DATA/bulk-campaign.json" \
	-H 'Transfer-Encoding: chunked'
if yh_expect_code 200 "chunked POST"; then
	yh_expect_json_type "chunked POST"
	yh_expect_body_file "$YH_EXPECTED/bulk/response.json" "chunked POST"
fi
yh_check_files bulk
yh_finish
