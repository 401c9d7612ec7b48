#!/usr/bin/env bash
# links_tmp_name: a symbolic link planted as the day's .summary.csv.tmp: its
# target is left alone and summary.csv is still right.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf

yh_ingest_ok bulk-campaign.json
day=$(ls "$CSV")
printf 'precious\n' >"$T/target"
ln -s "$T/target" "$CSV/$day/.summary.csv.tmp"
yh_ingest_ok triggered-campaign.json
[ "$(cat "$T/target")" = precious ] || yh_fail "the link's target was written"
[ -L "$CSV/$day/summary.csv" ] && yh_fail "summary.csv is a link"
yh_expect_rebuilt
yh_finish
