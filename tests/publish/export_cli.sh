#!/usr/bin/env bash
# publish.export_cli: "yespo-hook --export" writes one file for a range of days:
# JSON lines byte for byte as archived; CSV with one header, day first, and
# every row exactly as its STATUS file holds it; a workbook of the same
# rows; --status and --from/--to choose; --output appears whole, nothing
# left beside it; --tail's formats; wrong use exits 2.
# shellcheck source=../e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
yh_need python3
yh_init
yh_write_conf "allow_anonymous = true;"
for f in bulk-campaign.json triggered-campaign.json edge.json; do
	"$YH_BIN" --ingest --config "$CONF" "$YH_DATA/$f" >/dev/null 2>"$T/err" ||
		yh_die "--ingest $f: $(cat "$T/err")"
done
DAY=$(cd "$CSV" && ls)
# An older day, as if archived then.
cp "$SPOOL/archive/$DAY.jsonl" "$SPOOL/archive/2020-01-01.jsonl"

ex() { "$YH_BIN" --export --config "$CONF" "$@" 2>"$T/err"; }

ex --format jsonl --from "$DAY" >"$T/day.jsonl" || yh_fail "--export jsonl: $(cat "$T/err")"
cmp -s "$T/day.jsonl" "$SPOOL/archive/$DAY.jsonl" ||
	yh_fail "--export --format jsonl differs from the day's archive"
ex --format jsonl >"$T/all.jsonl" || yh_fail "--export jsonl (all days) failed"
cat "$SPOOL/archive/2020-01-01.jsonl" "$SPOOL/archive/$DAY.jsonl" >"$T/want.jsonl"
cmp -s "$T/all.jsonl" "$T/want.jsonl" || yh_fail "--export of every day is not the archive days in order"
ex --format jsonl --to 2020-01-01 >"$T/old.jsonl" || yh_fail "--export --to failed"
cmp -s "$T/old.jsonl" "$SPOOL/archive/2020-01-01.jsonl" || yh_fail "--to did not stop at its day"

# CSV: the rows of the STATUS files, each with its day first.
ex --from "$DAY" --status DELIVERED --status OTHER --output "$T/out.csv" ||
	yh_fail "--export --output: $(cat "$T/err")"
[ -e "$T/out.csv.partial" ] && yh_fail "--output left $T/out.csv.partial"
python3 - "$T/out.csv" "$CSV/$DAY" "$DAY" >"$T/check" 2>&1 <<'PY' || yh_fail "$(cat "$T/check")"
import sys
out, d, day = sys.argv[1:]
got = open(out, 'rb').read().split(b'\r\n')
want = []
for s in ('DELIVERED', 'OTHER'):
    lines = open('%s/%s.csv' % (d, s), 'rb').read().split(b'\r\n')
    header = lines[0]
    want += [day.encode() + b',' + l for l in lines[1:] if l]
if got[0] != b'day,' + header:
    print('header: %r' % got[0])
    sys.exit(1)
# Rows in arrival order per file; across files the archive's order.
if sorted(got[1:-1]) != sorted(want) or got[-1] != b'':
    print('rows differ:\n%r\n%r' % (got[1:], want))
    sys.exit(1)
PY

# A workbook of the same rows, to a file and to standard output.
ex --from "$DAY" --status DELIVERED --status OTHER --format xlsx --output "$T/out.xlsx" ||
	yh_fail "--export --format xlsx: $(cat "$T/err")"
ex --from "$DAY" --format xlsx >"$T/stdout.xlsx" || yh_fail "--export --format xlsx to stdout failed"
if /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
	/usr/bin/python3 - "$T/out.xlsx" "$T/out.csv" "$T/stdout.xlsx" "$CSV/$DAY/summary.csv" \
		>"$T/check" 2>&1 <<'PY' || yh_fail "$(cat "$T/check")"
import csv, sys
import openpyxl
book, out, whole, summary = sys.argv[1:]
wb = openpyxl.load_workbook(book)
rows = list(csv.reader(open(out, newline='', encoding='utf-8')))
got = [r for ws in wb for r in list(ws.iter_rows(values_only=True))[1:]]
bad = []
if sorted(wb.sheetnames) != ['DELIVERED', 'OTHER']:
    bad.append('sheets %s' % wb.sheetnames)
if len(got) != len(rows) - 1:
    bad.append('%d workbook rows, %d CSV rows' % (len(got), len(rows) - 1))
head = [c.value for c in wb['DELIVERED'][1]]
if head != rows[0]:
    bad.append('header %s' % head)
for r in got:
    if r[0] != rows[1][0]:
        bad.append('day cell %r' % (r[0],))
total = sum(int(r['events']) for r in csv.DictReader(open(summary, newline='', encoding='utf-8')))
n = sum(ws.max_row - 1 for ws in openpyxl.load_workbook(whole))
if n != total:
    bad.append('the whole day as xlsx: %d rows, summary.csv %d events' % (n, total))
print('\n'.join(bad))
sys.exit(1 if bad else 0)
PY
fi
[ -z "$(ls -A "$SPOOL/tmp")" ] || yh_fail "--export left files in spool/tmp: $(ls -A "$SPOOL/tmp")"

for bad in "--from 2026-13-01" "--format xml" "--status ../x" "--output"; do
	# shellcheck disable=SC2086
	"$YH_BIN" --export --config "$CONF" $bad >/dev/null 2>"$T/err"
	rc=$?
	[ "$rc" = 2 ] || yh_fail "--export $bad exited $rc, not 2"
	grep -q . "$T/err" || yh_fail "--export $bad said nothing"
done
"$YH_BIN" --verify --config "$CONF" --from "$DAY" >/dev/null 2>&1
[ $? = 2 ] || yh_fail "--from without --export was taken"
"$YH_BIN" --tail --consumer x --format xlsx --config "$CONF" >/dev/null 2>&1
[ $? = 2 ] || yh_fail "--tail took --format xlsx"
# --tail's own formats: JSON lines unless asked for CSV.
"$YH_BIN" --tail --consumer c --max-events 1 --config "$CONF" >"$T/tail.jsonl" 2>&1
grep -q '^{' "$T/tail.jsonl" || yh_fail "--tail without --format: $(head -c 80 "$T/tail.jsonl")"
"$YH_BIN" --tail --consumer c --max-events 1 --format csv --config "$CONF" >"$T/tail.csv" 2>&1
grep -q '^day,receivedAt,' "$T/tail.csv" || yh_fail "--tail --format csv: $(head -c 80 "$T/tail.csv")"
yh_finish
