#!/usr/bin/env bash
# links_tmp_name: a symbolic link planted as the day's .summary.csv.tmp: its
# target is left alone and summary.csv is still right.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf

ingest() {
	"$YH_BIN" --ingest --config "$CONF" "$YH_DATA/$1" </dev/null >"$T/stdout" 2>"$T/stderr" ||
		yh_die "--ingest $1 failed: $(cat "$T/stderr")"
}

ingest bulk-campaign.json
day=$(ls "$CSV")
printf 'precious\n' >"$T/target"
ln -s "$T/target" "$CSV/$day/.summary.csv.tmp"
ingest triggered-campaign.json
[ "$(cat "$T/target")" = precious ] || yh_fail "the link's target was written"
[ -L "$CSV/$day/summary.csv" ] && yh_fail "summary.csv is a link"
cp -a "$CSV" "$T/csv.after"
"$YH_BIN" --rebuild --config "$CONF" >/dev/null 2>&1 || yh_fail "--rebuild failed"
diff -r "$T/csv.after" "$CSV" >&2 || yh_fail "the CSV files differ from what --rebuild makes"
yh_finish
