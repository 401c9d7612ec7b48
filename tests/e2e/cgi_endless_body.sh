#!/usr/bin/env bash
# cgi_endless_body: a plain CGI POST without CONTENT_LENGTH whose body does
# not end (a chunked stream) is answered 413 once it passes the hard cap
# of 4 x max_body_bytes, and the process exits without reading the rest;
# a CONTENT_LENGTH past the cap gets 413 before any read.  Nothing of
# either stays on disk.  (A file size limit keeps a binary that does not
# stop from filling the disk.)
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf "max_body_bytes = 65536;"
(
	ulimit -f 65536
	yh_cgi_run "$T/out" /dev/zero REQUEST_METHOD=POST \
		CONTENT_TYPE=application/json QUERY_STRING="token=$YH_TOKEN" \
		HTTP_TRANSFER_ENCODING=chunked
)
rc=$?
[ "$rc" -eq 0 ] || yh_fail "the CGI run exited $rc: $(cat "$T/cgi.err")"
yh_cgi_parse "$T/out"
yh_expect_code 413 "POST of an endless body"

# 400 KB announced, none sent: refused from CONTENT_LENGTH alone.
yh_cgi_run "$T/out" /dev/null REQUEST_METHOD=POST CONTENT_LENGTH=400000 \
	CONTENT_TYPE=application/json QUERY_STRING="token=$YH_TOKEN"
yh_cgi_parse "$T/out"
yh_expect_code 413 "POST with CONTENT_LENGTH past the cap"
for d in tmp quarantine archive; do
	[ -z "$(yh_files "$SPOOL/$d")" ] ||
		yh_fail "spool/$d keeps files: $(yh_files "$SPOOL/$d" | tr '\n' ' ')"
done
yh_finish
