#!/usr/bin/env bash
# rebuild_keeps_foreign_csv: a day's views made anew (--rebuild, or the
# repair after a crash) remove only the files yespo-hook wrote: a CSV file
# someone else put in the day directory stays as it was.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf

yh_ingest_ok bulk-campaign.json
day=$(ls "$CSV")
printf 'name,amount\r\nkeep me,1\r\n' >"$CSV/$day/IMPORTANT.csv"
"$YH_BIN" --rebuild --config "$CONF" >/dev/null 2>"$T/stderr" ||
	yh_fail "--rebuild failed: $(cat "$T/stderr")"
[ "$(cat "$CSV/$day/IMPORTANT.csv" 2>/dev/null)" = "$(printf 'name,amount\r\nkeep me,1\r')" ] ||
	yh_fail "IMPORTANT.csv was deleted or changed"
[ -s "$CSV/$day/DELIVERED.csv" ] || yh_fail "DELIVERED.csv was not made anew"
yh_finish
