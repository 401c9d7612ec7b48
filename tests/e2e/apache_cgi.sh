#!/usr/bin/env bash
# apache_cgi: Apache + plain CGI (mod_cgid) as on shared hosting: the
# shipped conf/htaccess-cgi and the start script in a directory of the
# document root, no server-level directive for the hook.  The setup GET,
# both fixtures, Basic credentials through "CGIPassAuth On", a chunked
# POST (reaches the program without CONTENT_LENGTH) and a 5 MB batch; then
# Basic credentials through the RewriteRule fallback; and nothing but the
# program is reachable in the directory; a refused 1 MB POST gets its
# 401 whole.
# shellcheck source=apache_lib.sh
. "$(dirname "$0")/apache_lib.sh"
YH_TEST_TIMEOUT=${YH_TEST_TIMEOUT:-100}
yh_need_apache cgid
yh_ap_init
yh_std_conf
yh_hook_dir cgi "$WWW/yespo-hook"
yh_hook_dir cgi "$WWW/hook-rewrite"
yh_htaccess_rewrite_fallback "$WWW/hook-rewrite"
HOOK=/yespo-hook/yespo-hook.cgi
yh_ap_site_htaccess
yh_ap_start cgid
yh_suite

# A refused POST must still get its whole 401 under plain CGI: Apache
# writes the body into the program's stdin, and a program that exits
# without reading it makes Apache cut the answer ("Broken pipe" in the
# error log, the client sees a reset).  1 MB is more than a pipe holds.
yh_fresh_spool BASIC
yh_big_batch "$T/refused.json" 2000
for i in 1 2 3; do
	yh_post_file "$BASE$HOOK" "$T/refused.json"
	yh_expect_code 401 "refused 1 MB POST #$i (body not read by the program?)" &&
		yh_expect_body '{"error":"unauthorised"}' "refused 1 MB POST #$i"
done
[ -z "$(yh_files "$SPOOL/archive")" ] || yh_fail "refused 1 MB POSTs wrote to the archive"

# The RewriteRule fallback passes Basic credentials too.
yh_fresh_spool BASIC
yh_post_file "$BASE/hook-rewrite/yespo-hook.cgi" "$YH_DATA/bulk-campaign.json"
yh_expect_code 401 "RewriteRule fallback: POST without credentials"
yh_post_file "$BASE/hook-rewrite/yespo-hook.cgi" "$YH_DATA/bulk-campaign.json" \
	-u "$YH_BASIC_USER:$YH_BASIC_PASS"
yh_expect_code 200 "RewriteRule fallback: POST with Basic credentials" &&
	yh_expect_body_file "$YH_EXPECTED/bulk/response.json" "RewriteRule fallback"
yh_check_files bulk

# Only the program is served from the hook directory.
printf 'token = "x";\n' >"$WWW/yespo-hook/yespo-hook.conf"
printf 'secret\n' >"$WWW/yespo-hook/notes.txt"
chmod 0644 "$WWW/yespo-hook/yespo-hook.conf" "$WWW/yespo-hook/notes.txt"
for f in .htaccess yespo-hook.conf notes.txt ""; do
	yh_http GET "$BASE/yespo-hook/$f"
	case $CODE in
	403 | 404) ;;
	*) yh_fail "GET /yespo-hook/$f: status $CODE, expected 403 or 404" ;;
	esac
done
yh_finish
