#!/usr/bin/env bash
# cli_status_on_commit: a failing on_commit command changes no answer, but
# --status reports it (time, reason, "failing": true) and exits 1; once a
# later run works, the failure stays on record as past and --status exits 0.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
printf '#!/bin/sh\n[ -e "%s/fixed" ] || exit 3\n' "$T" >"$T/hook.sh"
chmod +x "$T/hook.sh"
yh_std_conf "on_commit = \"$T/hook.sh\";"

post() {	# FILE: a CGI POST, which must answer 200
	yh_cgi_run "$T/out" "$1" REQUEST_METHOD=POST QUERY_STRING="token=$YH_TOKEN" \
		CONTENT_LENGTH="$(wc -c <"$1")"
	yh_cgi_parse "$T/out"
	[ "$CODE" = 200 ] || yh_die "POST $1 answered $CODE: $(cat "$T/cgi.err")"
}
# Wait (bounded by the watchdog) until the detached command has run.
wait_record() {	# TEXT: until views/hook.failed holds it
	until grep -q "$1" "$SPOOL/views/hook.failed" 2>/dev/null; do sleep 0.1; done
}

yh_status
yh_expect_status 0 ok "before on_commit ran"
[ "$(yh_member on_commit)" = null ] || yh_fail "on_commit is $(yh_member on_commit) before any run"

post "$YH_DATA/bulk-campaign.json"
wait_record "exited 3"
yh_status
yh_expect_status 1 unhealthy "on_commit failing"
[ "$(yh_member on_commit.failing)" = true ] || yh_fail "on_commit is $(yh_member on_commit)"
[ "$(yh_member on_commit.reason)" = '"exited 3"' ] || yh_fail "on_commit is $(yh_member on_commit)"
grep -q 'on_commit has failed since' "$T/status.json" || yh_fail "the problem is not named: $(cat "$T/status.json")"

touch "$T/fixed"
post "$YH_DATA/triggered-campaign.json"
wait_record "^ok "
yh_status
yh_expect_status 0 ok "on_commit working again"
[ "$(yh_member on_commit.failing)" = false ] || yh_fail "on_commit is $(yh_member on_commit)"
[ "$(yh_member on_commit.reason)" = '"exited 3"' ] || yh_fail "the past failure is lost: $(yh_member on_commit)"
yh_finish
