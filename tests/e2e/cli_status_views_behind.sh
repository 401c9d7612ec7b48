#!/usr/bin/env bash
# cli_status_views_behind: when a CSV file cannot be written (a directory
# stands in its place), the batch is still stored and --status exits 1
# with "views":"behind" and a problem naming the path; once the next batch
# has repaired the views it exits 0 with "views":"current".
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf

yh_ingest_ok bulk-campaign.json
yh_status
yh_expect_status 0 ok "after a batch"
[ "$(yh_member views)" = '"current"' ] || yh_fail "views is $(yh_member views), want current"
day=$(yh_archive_days)
broken=$CSV/$day/DELIVERED.csv
rm -f "$broken"
mkdir "$broken"
yh_ingest_ok triggered-campaign.json
yh_status
yh_expect_status 1 unhealthy "a CSV file cannot be written"
[ "$(yh_member views)" = '"behind"' ] || yh_fail "views is $(yh_member views), want behind"
grep -qF "$broken" "$T/status.json" || yh_fail "the problem does not name $broken: $(cat "$T/status.json")"
rmdir "$broken"
yh_ingest_ok edge.json
yh_status
yh_expect_status 0 ok "after the repair"
yh_finish
