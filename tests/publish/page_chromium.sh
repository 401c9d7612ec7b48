#!/usr/bin/env bash
# publish.page_chromium: the download page that writers make in csv_dir, rendered
# by headless Chromium: every link leads to a file that exists, the counts
# per day and status equal summary.csv, today's count and last event are
# shown, the chart has a bar for today, and no script or outside resource
# is needed.  A screenshot at phone width is kept in YH_ARTIFACTS (or $T).
# shellcheck source=../e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
YH_TEST_TIMEOUT=120
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || yh_skip "chromium is not installed"
yh_need python3
yh_init
yh_std_conf

post() {
	local f=$YH_DATA/$1
	yh_cgi_run "$T/out" "$f" REQUEST_METHOD=POST QUERY_STRING="token=$YH_TOKEN" \
		CONTENT_LENGTH="$(wc -c <"$f")"
	yh_cgi_parse "$T/out"
	[ "$CODE" = 200 ] || yh_die "POST $1 answered $CODE: $(cat "$T/cgi.err")"
}

post bulk-campaign.json
[ -f "$CSV/index.html" ] || yh_die "no index.html in csv_dir after a stored batch"
post edge.json
post triggered-campaign.json
# The page is made at most once a minute: let a minute pass, as it were.
touch -d '2 minutes ago' "$CSV/index.html"
post mixed.json
# An old day that has only a summary and one status file.
mkdir "$CSV/2020-01-02"
printf 'activityStatus,mediaType,messageId,messageName,events\r\nREAD,email,1,x,7\r\n' \
	>"$CSV/2020-01-02/summary.csv"
cp "$(ls -d "$CSV"/2*/ | tail -n 1)DELIVERED.csv" "$CSV/2020-01-02/READ.csv"
touch -d '2 minutes ago' "$CSV/index.html"
post bulk-campaign.json	# all duplicates: nothing stored, the page stays
grep -q 2020-01-02 "$CSV/index.html" &&
	yh_fail "a batch that stored nothing remade the page"

# The CLI path of a writer: a new event remakes the stale page.
printf '[{"iid":"page-1","activityStatus":"CLICKED","mediaType":"email","activityDateTime":"2026-01-01T00:00:00"}]' >"$T/one.json"
yh_cgi_run "$T/out" "$T/one.json" REQUEST_METHOD=POST QUERY_STRING="token=$YH_TOKEN" \
	CONTENT_LENGTH="$(wc -c <"$T/one.json")"
yh_cgi_parse "$T/out"
[ "$CODE" = 200 ] || yh_die "POST one.json answered $CODE"

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
	--disable-background-networking --disable-component-update --disable-sync
	--user-data-dir="$T/chrome" --window-size=412,1400)
"$CHROMIUM" "${flags[@]}" --dump-dom "file://$CSV/index.html" >"$T/dom.html" 2>"$T/chrome.err" ||
	yh_die "chromium --dump-dom failed: $(tail -n 3 "$T/chrome.err")"
shot=${YH_ARTIFACTS:-$T}/download-page.png
mkdir -p "$(dirname "$shot")"
"$CHROMIUM" "${flags[@]}" --screenshot="$shot" "file://$CSV/index.html" >/dev/null 2>&1 ||
	yh_fail "chromium --screenshot failed"
[ -s "$shot" ] || yh_fail "no screenshot at $shot"
say "screenshot: $shot"

python3 - "$T/dom.html" "$CSV" "$(date -u +%F)" >"$T/check.out" 2>&1 <<'PY' || yh_fail "$(cat "$T/check.out")"
import csv, io, os, sys
from html.parser import HTMLParser

dom, root, today = sys.argv[1], sys.argv[2], sys.argv[3]

class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.scripts, self.rects, self.ext = [], 0, 0, []
        self.section, self.rows, self.row, self.cell = None, {}, None, None
        self.today = ''
        self.in_today = False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'script':
            self.scripts += 1
        for k in ('src', 'href'):
            v = a.get(k, '')
            if v.startswith(('http:', 'https:', '//')):
                self.ext.append(v)
        if tag == 'a':
            self.links.append(a['href'])
        if tag == 'rect':
            self.rects += 1
        if tag == 'section':
            self.section = a['id'][1:]
            self.rows[self.section] = {}
        if tag == 'tr' and self.section:
            self.row = []
        if tag == 'td' and self.row is not None:
            self.cell = ''
        if tag == 'p' and a.get('id') == 'today':
            self.in_today = True
    def handle_endtag(self, tag):
        if tag == 'td' and self.row is not None:
            self.row.append(self.cell)
            self.cell = None
        if tag == 'tr' and self.row:
            self.rows[self.section][self.row[0]] = int(self.row[1])
            self.row = None
        if tag == 'p':
            self.in_today = False
    def handle_data(self, d):
        if self.cell is not None:
            self.cell += d
        if self.in_today:
            self.today += d

p = Page()
p.feed(open(dom, encoding='utf-8').read())
bad = []
if p.scripts:
    bad.append('the page has %d script elements' % p.scripts)
if p.ext:
    bad.append('outside resources: %s' % p.ext)
for h in p.links:
    if not os.path.isfile(os.path.join(root, h)):
        bad.append('link to a missing file: ' + h)
days = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
if list(p.rows) != sorted(days, reverse=True):
    bad.append('days shown %s, on disk %s (newest first)' % (list(p.rows), days))
for d in days:
    want = {}
    with open(os.path.join(root, d, 'summary.csv'), newline='', encoding='utf-8') as f:
        for r in csv.DictReader(f):
            want[r['activityStatus']] = want.get(r['activityStatus'], 0) + int(r['events'])
    if p.rows.get(d) != want:
        bad.append('%s: the page counts %s, summary.csv %s' % (d, p.rows.get(d), want))
    for s in want:
        f = '%s/%s.csv' % (d, s)
        if os.path.isfile(os.path.join(root, f)) and f not in p.links:
            bad.append('no link to ' + f)
    if os.path.isfile(os.path.join(root, d, 'summary.csv')) and d + '/summary.csv' not in p.links:
        bad.append('no link to %s/summary.csv' % d)
total = sum(p.rows.get(today, {}).values())
if ('%s: %d events' % (today, total)) not in ' '.join(p.today.split()):
    bad.append('today line says %r, want %d events' % (p.today, total))
if 'the last at' not in p.today:
    bad.append('today line without the last event: %r' % p.today)
if p.rects == 0:
    bad.append('the chart has no bar')
print('\n'.join(bad))
sys.exit(1 if bad else 0)
PY
yh_finish
