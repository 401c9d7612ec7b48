#!/usr/bin/env bash
# views_behind_after_commit: a CSV file that cannot be written (a directory
# stands in its place) never turns a POST into 503: the batch whose view
# fails after the commit, and the next one, whose repair of the views fails
# before it, both answer 200 with their events in the archive; the log names
# the path, the error and the user; the probe with credentials says the
# views are behind.  Once the file can be written, the next batch repairs
# the views and --verify passes.  Plain CGI invocations.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf

cgi() {	# METHOD QUERY [FILE]
	local in=${3:-/dev/null}
	yh_cgi_run "$T/cgi.out" "$in" REQUEST_METHOD="$1" QUERY_STRING="$2" \
		CONTENT_LENGTH="$(wc -c <"$in")"
	yh_cgi_parse "$T/cgi.out"
}
events() { cat "$SPOOL"/archive/*.jsonl 2>/dev/null | wc -l; }

cgi POST "token=$YH_TOKEN" "$YH_DATA/bulk-campaign.json"
yh_expect_code 200 "first POST" || yh_die "cannot seed the spool"
day=$(yh_archive_days)
broken=$CSV/$day/DELIVERED.csv
rm -f "$broken"
mkdir "$broken"

cgi POST "token=$YH_TOKEN" "$YH_DATA/triggered-campaign.json"
yh_expect_code 200 "POST whose CSV update fails after the commit"
[ "$(events)" = 7 ] || yh_fail "after the second POST the archive holds $(events) events, expected 7"
cgi POST "token=$YH_TOKEN" "$YH_DATA/edge.json"
yh_expect_code 200 "POST whose repair of the views fails"
[ "$(events)" = 12 ] || yh_fail "after the third POST the archive holds $(events) events, expected 12"
grep -F "$broken" "$T/cgi.err" | grep -F 'Is a directory' | grep -qF "(running as uid $(id -u)" ||
	yh_fail "the log does not name the path, the error and the user: $(cat "$T/cgi.err")"

cgi GET ""
yh_expect_code 200 "probe without credentials, views behind"
yh_expect_body '{"status":"ok"}' "probe without credentials, views behind"
cgi GET "token=$YH_TOKEN"
yh_expect_code 200 "probe with the token, views behind"
grep -qF '"views":"behind"' "$T/resp.body" && grep -qF "$broken" "$T/resp.body" ||
	yh_fail "the probe with the token does not say the views are behind: $(cat "$T/resp.body")"

rmdir "$broken"
cgi POST "token=$YH_TOKEN" "$YH_DATA/mixed.json"
yh_expect_code 200 "POST once the file can be written"
"$YH_BIN" --verify --config "$CONF" >"$T/verify.out" 2>&1 ||
	yh_fail "--verify after the repair: $(cat "$T/verify.out")"
cgi GET "token=$YH_TOKEN"
if grep -q behind "$T/resp.body"; then
	yh_fail "the probe still says the views are behind: $(cat "$T/resp.body")"
fi
yh_finish
