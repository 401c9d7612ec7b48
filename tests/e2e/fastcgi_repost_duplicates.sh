#!/usr/bin/env bash
# fastcgi_repost_duplicates: Yespo retries a batch it got no 200 for.  The
# same bulk batch POSTed a second time (possibly to the other of the two
# FastCGI workers) is all duplicates, and no file changes.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf
yh_lt_start fastcgi
yh_post_fixture bulk-campaign.json bulk || yh_die "the first POST already failed"
yh_snapshot >"$T/before"

for i in 1 2 3; do
	yh_post_file "$BASE$HOOK?token=$YH_TOKEN" "$YH_DATA/bulk-campaign.json"
	yh_expect_code 200 "repeated POST #$i" || continue
	yh_expect_json_type "repeated POST #$i"
	yh_expect_body '{"received":4,"stored":0,"duplicates":4,"quarantined":0}' "repeated POST #$i"
done

yh_snapshot >"$T/after"
if ! cmp -s "$T/before" "$T/after"; then
	yh_fail "files changed when only duplicates were posted"
	diff -u --label before --label after "$T/before" "$T/after" >&2
fi
yh_check_files bulk
yh_finish
