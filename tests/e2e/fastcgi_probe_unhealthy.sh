#!/usr/bin/env bash
# fastcgi_probe_unhealthy: when the config is invalid or the spool is
# unusable, the setup probe fails loudly (503) and a POST is not
# acknowledged (503), instead of a 200 that would lose the batch.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init

check_503() {
	local what=$1
	yh_http GET "$BASE$HOOK"
	yh_expect_code 503 "GET with $what"
	yh_post_file "$BASE$HOOK?token=$YH_TOKEN" "$YH_DATA/bulk-campaign.json"
	yh_expect_code 503 "POST with $what"
	if [ -n "$(yh_files "$SPOOL")" ]; then
		yh_fail "POST with $what wrote: $(yh_files "$SPOOL" | tr '\n' ' ')"
	fi
}

# 1. An unknown key in the config.
yh_std_conf 'no_such_key = 1;'
yh_lt_start fastcgi
check_503 "an unknown config key"
yh_lt_stop

# 2. A spool_dir that does not exist.
rm -rf "$SPOOL"
yh_std_conf
yh_lt_start fastcgi
check_503 "a missing spool_dir"
yh_finish
