# shellcheck shell=bash
# tests/recipes/lib.sh: a spool to load, for the database recipes of
# README.md (conf/schema.sql, conf/load-*.sh).  Sourced after
# tests/e2e/lib.sh and yh_init.
#
#   yh_recipe_spool   ingest the fixtures and tests/data/edge.json (21-digit
#                     contactId, 12-digit phone, Cyrillic and emoji text,
#                     backslashes, \u0000, formula-looking cells, an OTHER
#                     status); sets $DAY, the receipt day
#   yh_summary_total [STATUS]   events of summary.csv (of one STATUS)

yh_recipe_spool() {
	local f
	yh_write_conf "allow_anonymous = true;"
	for f in bulk-campaign.json triggered-campaign.json edge.json; do
		"$YH_BIN" --ingest --config "$CONF" "$YH_DATA/$f" >/dev/null 2>"$T/ingest.err" ||
			yh_die "--ingest $f failed: $(cat "$T/ingest.err")"
	done
	DAY=$(cd "$CSV" && ls)
	[ -f "$SPOOL/archive/$DAY.jsonl" ] || yh_die "no archive for $DAY"
}

yh_summary_total() {
	python3 - "$CSV/$DAY/summary.csv" "${1:-}" <<'PY'
import csv, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    rows = list(csv.DictReader(f))
print(sum(int(r['events']) for r in rows
          if not sys.argv[2] or r['activityStatus'] == sys.argv[2]))
PY
}
