#!/usr/bin/env bash
# cli_argv_ignored: started by a web server (GATEWAY_INTERFACE set) the
# binary ignores its arguments: Apache's CGI turns "hook.cgi?--rebuild"
# into argv, and that must answer the request, not run --rebuild.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf

# A spool with a stored batch, then its CSVs removed: a --rebuild would
# write them again.
"$YH_BIN" --ingest --config "$CONF" "$YH_DATA/bulk-campaign.json" </dev/null \
	>"$T/stdout" 2>"$T/stderr" || yh_die "--ingest failed: $(cat "$T/stderr")"
yh_check_files bulk
day=$YH_DAY
rm -rf "${CSV:?}/$day"

for argv in "--rebuild" "--rebuild --config $CONF" "--ingest /dev/null" "--version" "--help"; do
	# shellcheck disable=SC2086 # split on purpose: these are argv words
	yh_cgi_run "$T/out" /dev/null REQUEST_METHOD=GET QUERY_STRING="${argv%% *}" -- $argv
	rc=$?
	yh_cgi_parse "$T/out"
	if yh_expect_code 200 "CGI GET with argv '$argv' (exit $rc)"; then
		yh_expect_json_type "CGI GET with argv '$argv'"
		yh_expect_body '{"status":"ok"}' "CGI GET with argv '$argv'"
	fi
	if [ -e "$CSV/$day" ]; then
		yh_fail "CGI GET with argv '$argv' rebuilt the CSVs"
		rm -rf "${CSV:?}/$day"
	fi
done

# The same argv from the command line does rebuild (so the check above can
# tell the two apart).
"$YH_BIN" --rebuild --config "$CONF" </dev/null >"$T/stdout" 2>"$T/stderr" ||
	yh_fail "--rebuild exited $?: $(cat "$T/stderr")"
[ -e "$CSV/$day" ] || yh_fail "--rebuild from the command line did not write $CSV/$day"
yh_check_files bulk
yh_finish
