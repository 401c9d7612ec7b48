#!/usr/bin/env bash
# links_csv_file: today's DELIVERED.csv replaced by a symbolic link after
# the day's first batch.  The next batch removes the link (never writing
# through it), and the CSV files are then what --rebuild makes.
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
head -c 14000 /dev/zero | tr '\0' x >"$T/target"
before=$(cksum <"$T/target")
rm "$CSV/$day/DELIVERED.csv"
ln -s "$T/target" "$CSV/$day/DELIVERED.csv"
ingest triggered-campaign.json
[ "$(cksum <"$T/target")" = "$before" ] || yh_fail "the link's target was written"
[ -L "$CSV/$day/DELIVERED.csv" ] && yh_fail "DELIVERED.csv is still a link"
grep -q 'symbolic link' "$T/stderr" || yh_fail "the link was not logged"
cp -a "$CSV" "$T/csv.after"
"$YH_BIN" --rebuild --config "$CONF" >/dev/null 2>&1 || yh_fail "--rebuild failed"
diff -r "$T/csv.after" "$CSV" >&2 || yh_fail "the CSV files differ from what --rebuild makes"
"$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1 || yh_fail "--verify: $(cat "$T/verify")"
yh_finish
