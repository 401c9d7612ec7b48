#!/usr/bin/env bash
# links_day_dir: today's CSV directory replaced by a symbolic link to
# another directory: nothing is written there, nothing of it is deleted,
# and the day's CSV files are made anew in csv_dir.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf

yh_ingest_ok bulk-campaign.json
day=$(ls "$CSV")
mkdir "$T/other"
printf 'keep me\n' >"$T/other/IMPORTANT.csv"
rm -r "${CSV:?}/$day"
ln -s "$T/other" "$CSV/$day"
yh_ingest_ok triggered-campaign.json
[ "$(ls -A "$T/other")" = IMPORTANT.csv ] || yh_fail "files were written in the link's target: $(ls -A "$T/other")"
[ "$(cat "$T/other/IMPORTANT.csv" 2>/dev/null)" = "keep me" ] || yh_fail "IMPORTANT.csv was changed or deleted"
[ -d "$CSV/$day" ] && [ ! -L "$CSV/$day" ] || yh_fail "the day directory was not made anew"
yh_expect_rebuilt
yh_finish
