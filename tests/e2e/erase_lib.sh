# shellcheck shell=bash
# tests/e2e/erase_lib.sh: shared by the --erase tests, sourced after lib.sh.
#
#   erase_make_spool DAYS PER_DAY
#                   archive days from today-(DAYS-1) to today, PER_DAY
#                   events each, written as a writer would, then --rebuild
#                   (index, CSVs, workbooks, page).  Some events belong to
#                   the person erased by $ERASE_ARGS: email anna@example.com
#                   (also escaped as anna\u0040example.com, and once in an
#                   earlier member of a repeated name) or contactId 90417733
#                   (as a number and as a string), one without iid.
#                   Writes $T/expect (per day: "DAY N" events to go),
#                   $T/gone (their iids, or their text without iid) and
#                   $T/resend.json (those events as Yespo sent them).
#   erase_traces [ALLOWED...]
#                   every file of $SPOOL and $CSV that holds a trace of the
#                   person (raw, escaped, inside a workbook or a gz file),
#                   one path a line, except the ALLOWED paths
#   erase_events    the archived events' iids (or texts), one a line, in order
#   erase_run ARGS...  --erase with the config; output in $T/erase.out
#                   and $T/erase.err, its status returned
#   ids             the iids (or texts) of the JSON lines on stdin
#   tail_c NAME [N], ack_c NAME
#                   --tail (up to N events) appending what it handed out
#                   to $T/got.NAME; --ack

ERASE_ARGS="email=anna@example.com contactId=90417733"

erase_make_spool() {
	python3 - "$SPOOL/archive" "$1" "$2" "$T" <<'PY' || yh_die "making the archive"
import datetime, json, os, sys
arc, ndays, per, t = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
today = datetime.datetime.now(datetime.timezone.utc).date()
os.makedirs(arc, exist_ok=True)
expect, gone, resend = [], [], []
for d in range(ndays):
    day = today - datetime.timedelta(days=ndays - 1 - d)
    stamp = '%sT10:00:00Z' % day.isoformat()
    lines, n_gone = [], 0
    for i in range(per):
        iid = 'iid-%d-%05d' % (d, i)
        status = ('DELIVERED', 'READ', 'CLICKED')[i % 3]
        email = '"user%d@example.com"' % (i % 50)
        contact = str(1000 + i)
        extra, person, noiid = '', False, False
        k = i % 11
        if k == 3:
            email, person = '"anna@example.com"', True
        elif k == 5 and i % 2:
            email, person = '"anna\\u0040example.com"', True
        elif k == 7:
            contact, person = '90417733', True
        elif k == 9 and i % 2:
            contact, person = '"90417733"', True
        elif k == 10 and i % 4 == 1:
            extra, person = '"email":"anna@example.com",', True
        if i == 4 and d == 0:
            noiid, person = True, True
            email = '"anna@example.com"'
        head = '' if noiid else '"iid":"%s",' % iid
        text = ('{%s"activityStatus":"%s","activityDateTime":"%sT09:%02d:%02d",'
                '"mediaType":"email","contactId":%s,%s"email":%s,"messageId":2489300,'
                '"messageName":"test"}') % (head, status, day.isoformat(), i // 60 % 60,
                                            i % 60, contact, extra, email)
        lines.append(text[:-1] + ',"_receivedAt":"%s"}\n' % stamp)
        if person:
            n_gone += 1
            gone.append(text if noiid else iid)
            resend.append(text)
    with open('%s/%s.jsonl' % (arc, day.isoformat()), 'w') as f:
        f.writelines(lines)
    expect.append('%s %d\n' % (day.isoformat(), n_gone))
open(t + '/expect', 'w').writelines(expect)
open(t + '/gone', 'w').write(''.join(g + '\n' for g in gone))
open(t + '/resend.json', 'w').write('[' + ','.join(resend) + ']')
PY
	"$YH_BIN" --rebuild --config "$CONF" >"$T/rebuild.out" 2>&1 ||
		yh_die "--rebuild of the made spool: $(cat "$T/rebuild.out")"
}

erase_traces() {
	python3 - "$SPOOL" "$CSV" "$@" <<'PY'
import gzip, io, os, sys, zipfile
spool, csv, allowed = sys.argv[1], sys.argv[2], set(sys.argv[3:])
needles = [b'anna@example.com', b'anna\\u0040example.com', b'90417733']
def contents(path, data):
    yield data
    if data[:2] == b'\x1f\x8b':
        yield gzip.decompress(data)
    if data[:2] == b'PK':
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for n in z.namelist():
                yield z.read(n)
for top in (spool, csv):
    for root, dirs, files in os.walk(top):
        for name in files:
            p = os.path.join(root, name)
            if p in allowed or os.path.islink(p):
                continue
            with open(p, 'rb') as f:
                data = f.read()
            if any(n in c for c in contents(p, data) for n in needles):
                print(p)
PY
}

erase_events() {
	python3 - "$SPOOL/archive" <<'PY'
import json, os, sys
arc = sys.argv[1]
for name in sorted(os.listdir(arc)):
    if not name.endswith('.jsonl') or name.startswith('.'):
        continue
    for line in open(os.path.join(arc, name), encoding='utf-8'):
        ev = json.loads(line)
        if 'iid' in ev:
            print(ev['iid'])
        else:
            print(line[:line.rindex(',"_receivedAt"')] + '}')
PY
}

erase_run() {
	"$YH_BIN" --erase --config "$CONF" "$@" >"$T/erase.out" 2>"$T/erase.err"
}

ids() {	# the iids (or texts) of JSON lines on stdin
	python3 -c '
import sys
for line in sys.stdin:
    if line.startswith("{\"iid\":\""):
        print(line.split("\"")[3])
    elif line.strip():
        print(line[:line.rindex(",\"_receivedAt\"")] + "}")'
}
tail_c() {	# tail_c NAME [N]: hand out up to N events (all), appended to $T/got.NAME
	"$YH_BIN" --tail --config "$CONF" --consumer "$1" ${2:+--max-events "$2"} \
		>"$T/tail.out" 2>"$T/tail.err" || yh_die "--tail $1: $(cat "$T/tail.err")"
	ids <"$T/tail.out" >>"$T/got.$1"
}
ack_c() { "$YH_BIN" --ack --config "$CONF" --consumer "$1" 2>"$T/ack.err" || yh_die "--ack $1: $(cat "$T/ack.err")"; }
