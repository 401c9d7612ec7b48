#!/usr/bin/env bash
# archive_workbook_from_gz: a closed day's workbook made after the day was
# compressed (its workbook removed, then a batch) holds the day's events.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=days_lib.sh
. "$(dirname "$0")/days_lib.sh"
yh_init
yh_write_conf 'allow_anonymous = true;'

post() {
	cgi_post "$1"
	[ "$CODE" = 200 ] || yh_die "a batch was answered $CODE"
}

compressed_day 3 7 wb
rm -f "$CSV/$old/$old.xlsx"
# The workbook is made by the step that remakes a page a minute old.
touch -d "2 minutes ago" "$CSV/index.html"
new_batch "$T/b.json" b 2
post "$T/b.json"
[ -f "$CSV/$old/$old.xlsx" ] || yh_die "no workbook for $old"
n=$(/usr/bin/python3 - "$CSV/$old/$old.xlsx" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(sum(z.read(n).decode().count("wb-") for n in z.namelist() if n.endswith(".xml")))
PY
)
[ "$n" -eq 7 ] || yh_fail "the workbook names $n of the day's 7 events"
yh_finish
