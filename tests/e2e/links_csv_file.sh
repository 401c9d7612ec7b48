#!/usr/bin/env bash
# links_csv_file: today's DELIVERED.csv replaced by a symbolic link after
# the day's first batch.  The next batch removes the link (never writing
# through it), and the CSV files are then what --rebuild makes.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf

yh_ingest_ok bulk-campaign.json
day=$(ls "$CSV")
head -c 14000 /dev/zero | tr '\0' x >"$T/target"
before=$(cksum <"$T/target")
rm "$CSV/$day/DELIVERED.csv"
ln -s "$T/target" "$CSV/$day/DELIVERED.csv"
yh_ingest_ok triggered-campaign.json
[ "$(cksum <"$T/target")" = "$before" ] || yh_fail "the link's target was written"
[ -L "$CSV/$day/DELIVERED.csv" ] && yh_fail "DELIVERED.csv is still a link"
grep -q 'symbolic link' "$T/stderr" || yh_fail "the link was not logged"
yh_expect_rebuilt
"$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1 || yh_fail "--verify: $(cat "$T/verify")"
yh_finish
