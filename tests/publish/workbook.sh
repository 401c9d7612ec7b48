#!/usr/bin/env bash
# publish.workbook: a closed day's workbook, written by the first storing
# request after the day changed (after its answer): one sheet per STATUS
# file with the same rows, every cell text (21-digit id, 12-digit phone,
# leading-zero id, Cyrillic and emoji, a multi-line cell, a formula-looking
# cell) except date-times and hardBounce; a summary sheet with numbers;
# frozen header and autofilter.  python3-openpyxl reads it; LibreOffice
# headless, when installed, turns it back into the same CSV values.
# shellcheck source=../e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
YH_TEST_TIMEOUT=150
PY=/usr/bin/python3
"$PY" -c 'import openpyxl' 2>/dev/null || yh_skip "python3-openpyxl is not installed"
yh_init

# The day closes when the zone moves east: receipt days in UTC-12 first.
conf() {
	yh_write_conf "allow_anonymous = true;" "csv_formula_guard = false;" "timezone = \"$1\";"
}
conf Etc/GMT+12
cat >"$T/hard.json" <<'JSON'
[{"iid":"wb-1","activityStatus":"READ","mediaType":"sms","activityDateTime":"2026-03-01T10:00:00","contactId":123456789012345678901,"sms":"380957123456","externalCustomerId":"00054477","messageName":"Весняний розпродаж 🌸\nдругий рядок","statusDescription":"=1+1","messageTag":"-5"}]
JSON
for f in "$YH_DATA/bulk-campaign.json" "$YH_DATA/edge.json" "$T/hard.json"; do
	"$YH_BIN" --ingest --config "$CONF" "$f" >/dev/null 2>"$T/err" ||
		yh_die "--ingest $f: $(cat "$T/err")"
done
DAY=$(cd "$CSV" && ls)
[ -e "$CSV/$DAY/$DAY.xlsx" ] && yh_fail "a workbook for $DAY before the day closed"

conf Etc/GMT-14
printf '[{"iid":"wb-next","activityStatus":"CLICKED","mediaType":"email"}]' >"$T/next.json"
yh_cgi_run "$T/out" "$T/next.json" REQUEST_METHOD=POST CONTENT_LENGTH="$(wc -c <"$T/next.json")"
yh_cgi_parse "$T/out"
[ "$CODE" = 200 ] || yh_die "the next day's POST answered $CODE: $(cat "$T/cgi.err")"
BOOK=$CSV/$DAY/$DAY.xlsx
[ -s "$BOOK" ] || yh_die "no workbook $BOOK after the day closed: $(cat "$T/cgi.err")"
ls -A "$SPOOL/tmp" | grep -q . && yh_fail "spool/tmp not empty: $(ls -A "$SPOOL/tmp")"

"$PY" - "$BOOK" "$CSV/$DAY" >"$T/check" 2>&1 <<'PY' || yh_fail "$(cat "$T/check")"
import csv, datetime, os, sys
import openpyxl

book, d = sys.argv[1], sys.argv[2]
wb = openpyxl.load_workbook(book)
bad = []
files = sorted(f[:-4] for f in os.listdir(d) if f.endswith('.csv') and f != 'summary.csv')
if wb.sheetnames != files + ['summary']:
    bad.append('sheets %s, files %s' % (wb.sheetnames, files))
def rows(path):
    with open(path, newline='', encoding='utf-8') as f:
        return list(csv.reader(f))
def when(s):
    return datetime.datetime.strptime(s.rstrip('Z'), '%Y-%m-%dT%H:%M:%S')
for name in files:
    ws, want = wb[name], rows(os.path.join(d, name + '.csv'))
    if ws.freeze_panes != 'A2' or not ws.auto_filter.ref:
        bad.append('%s: header not frozen or no autofilter' % name)
    got = list(ws.iter_rows())
    if len(got) != len(want):
        bad.append('%s: %d rows, CSV %d' % (name, len(got), len(want)))
        continue
    head = want[0]
    for r, (g, w) in enumerate(zip(got, want)):
        for c, (cell, text) in enumerate(zip(g, w)):
            col = head[c]
            if r == 0 or text == '':
                ok = cell.value == (text if r == 0 else None)
            elif col in ('receivedAt', 'activityDateTime'):
                ok = cell.is_date and cell.value == when(text)
            elif col == 'hardBounce':
                ok = cell.data_type == 'b' and cell.value == (text == 'true')
            else:
                ok = cell.data_type == 's' and cell.value == text
            if not ok:
                bad.append('%s row %d %s: %r (%s), CSV %r' % (name, r, col, cell.value, cell.data_type, text))
ws, want = wb['summary'], rows(os.path.join(d, 'summary.csv'))
for g, w in zip(list(ws.iter_rows(values_only=True))[1:], want[1:]):
    if list(g[:4]) != [v or None for v in w[:4]] or g[4] != int(w[4]):
        bad.append('summary row %r, CSV %r' % (g, w))
read = {r[-2]: r for r in wb['READ'].iter_rows(values_only=True)}
hard = read.get('wb-1')
if hard is None or hard[4] != '123456789012345678901' or hard[7] != '380957123456' \
        or hard[5] != '00054477' or hard[27] != '=1+1' or hard[15] != '-5':
    bad.append('the hard cases came out as %r' % (hard,))
print('\n'.join(bad))
sys.exit(1 if bad else 0)
PY

# LibreOffice's own reading, sheet by sheet, back to CSV.
SOFFICE=$(command -v soffice || command -v libreoffice || true)
if [ -n "$SOFFICE" ]; then
	mkdir "$T/lo"
	HOME=$T/lo timeout 100 "$SOFFICE" --headless --norestore \
		-env:UserInstallation="file://$T/lo/profile" \
		--convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1' \
		--outdir "$T/lo" "$BOOK" >"$T/lo.log" 2>&1 ||
		yh_fail "LibreOffice could not convert the workbook: $(tail -n 3 "$T/lo.log")"
	"$PY" - "$T/lo" "$CSV/$DAY" "$DAY" >"$T/check" 2>&1 <<'PY' || yh_fail "$(cat "$T/check")"
import csv, os, sys
lo, d, day = sys.argv[1:]
bad = []
for f in sorted(os.listdir(d)):
    if not f.endswith('.csv') or f == 'summary.csv':
        continue
    name = f[:-4]
    conv = os.path.join(lo, '%s-%s.csv' % (day, name))
    if not os.path.exists(conv):
        bad.append('LibreOffice made no %s' % conv)
        continue
    want = list(csv.reader(open(os.path.join(d, f), newline='', encoding='utf-8')))
    got = list(csv.reader(open(conv, newline='', encoding='utf-8')))
    head = want[0]
    for r, (g, w) in enumerate(zip(got, want)):
        for c, col in enumerate(head):
            if col in ('receivedAt', 'activityDateTime', 'hardBounce'):
                continue
            if (g[c] if c < len(g) else '') != w[c]:
                bad.append('%s row %d %s: LibreOffice %r, CSV %r' % (name, r, col, g[c] if c < len(g) else '', w[c]))
    if len(got) != len(want):
        bad.append('%s: LibreOffice %d rows, CSV %d' % (name, len(got), len(want)))
print('\n'.join(bad))
sys.exit(1 if bad else 0)
PY
else
	say "LibreOffice is not installed: its check is skipped"
fi
yh_finish
