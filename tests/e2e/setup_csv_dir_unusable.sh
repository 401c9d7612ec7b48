#!/usr/bin/env bash
# setup_csv_dir_unusable: a csv_dir that cannot be made (under a regular
# file; under a missing parent that cannot be created) fails --check and the
# probe, naming the path, yet a POST answers 200 and its events reach the
# archive; once the path is fixed, one more batch brings the CSVs up to date
# and --verify passes.  Plain CGI invocations.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init

# cgi METHOD QUERY [FILE]: one request; sets $CODE, resp.hdr and resp.body.
cgi() {
	local in=${3:-/dev/null}
	yh_cgi_run "$T/cgi.out" "$in" REQUEST_METHOD="$1" QUERY_STRING="$2" \
		CONTENT_LENGTH="$(wc -c <"$in")"
	yh_cgi_parse "$T/cgi.out"
}

good=$CSV
for bad in "$T/file/csv" /proc/yespo-hook-missing/csv; do
	rm -rf "$SPOOL" "$good"
	mkdir -m 0700 "$SPOOL"
	: >"$T/file"
	CSV=$bad
	yh_std_conf

	"$YH_BIN" --check --config "$CONF" >"$T/check.out" 2>"$T/check.err"
	rc=$?
	[ $rc = 1 ] || yh_fail "--check with csv_dir $bad exited $rc, expected 1"
	grep -qF "csv_dir $bad: " "$T/check.err" ||
		yh_fail "--check does not name csv_dir $bad: $(cat "$T/check.err")"
	grep -qF "(running as uid $(id -u)" "$T/check.err" ||
		yh_fail "--check does not name the user: $(cat "$T/check.err")"

	cgi GET ""
	yh_expect_code 503 "probe with csv_dir $bad"
	yh_expect_body '{"status":"unhealthy"}' "probe without credentials, csv_dir $bad"
	cgi GET "token=$YH_TOKEN"
	yh_expect_code 503 "probe with the token, csv_dir $bad"
	grep -qF "$bad" "$T/resp.body" ||
		yh_fail "probe with the token does not name $bad: $(cat "$T/resp.body")"

	cgi POST "token=$YH_TOKEN" "$YH_DATA/bulk-campaign.json"
	yh_expect_code 200 "POST with csv_dir $bad"
	yh_expect_body_file "$YH_EXPECTED/bulk/response.json" "POST with csv_dir $bad"
	n=$(cat "$SPOOL"/archive/*.jsonl 2>/dev/null | wc -l)
	[ "$n" = 4 ] || yh_fail "csv_dir $bad: the archive holds $n events, expected 4"
	grep -qF "$bad" "$T/cgi.err" ||
		yh_fail "csv_dir $bad: the log does not name it: $(cat "$T/cgi.err")"

	# Fixed: the next batch repairs the views of the first.
	CSV=$good
	yh_std_conf
	cgi POST "token=$YH_TOKEN" "$YH_DATA/triggered-campaign.json"
	yh_expect_code 200 "POST after fixing csv_dir $bad"
	rows=$(cat "$CSV"/*/[A-Z]*.csv 2>/dev/null | grep -vc '^receivedAt,')
	[ "$rows" = 7 ] || yh_fail "after fixing csv_dir $bad the CSVs hold $rows rows, expected 7"
	"$YH_BIN" --verify --config "$CONF" >"$T/verify.out" 2>&1 ||
		yh_fail "--verify after fixing csv_dir $bad: $(cat "$T/verify.out")"
	cgi GET "token=$YH_TOKEN"
	yh_expect_code 200 "probe after fixing csv_dir $bad"
	if grep -q behind "$T/resp.body"; then
		yh_fail "probe after the repair still says the views are behind: $(cat "$T/resp.body")"
	fi
done
yh_finish
