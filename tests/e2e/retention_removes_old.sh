#!/usr/bin/env bash
# retention_removes_old: with retention_days = 3, the batch after which
# retention runs removes the archive days and CSV folders older than that
# with their view states (hint, checkpoint, summary journals) and an
# old quarantine file, each logged, and keeps the day 2 days old,
# today's and a new quarantine file; --verify passes, and retention runs
# only once a day.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=retention_lib.sh
. "$(dirname "$0")/retention_lib.sh"
yh_init
retention_spool
printf '{}\n' >"$SPOOL/quarantine/old.body"
touch -d '10 days ago' "$SPOOL/quarantine/old.body"
printf '{}\n' >"$SPOOL/quarantine/new.body"

cgi_post "$T/today.json"
[ "$CODE" = 200 ] || yh_die "the batch was answered $CODE"
for d in "$d10" "$d8"; do
	! has_day "$d" || yh_fail "archive day $d is still there"
	[ ! -e "$CSV/$d" ] || yh_fail "CSV folder $d is still there"
	grep -q "retention: removed archive/$d" "$T/cgi.err" || yh_fail "no log line for archive/$d"
	left=$(cd "$SPOOL/views" && echo "$d".*)
	[ "$left" = "$d.*" ] || yh_fail "view state of $d is still there: $left"
done
has_day "$d2" || yh_fail "archive day $d2 went"
[ -d "$CSV/$d2" ] || yh_fail "CSV folder $d2 went"
has_day "$today" || yh_fail "today's archive went"
[ ! -e "$SPOOL/quarantine/old.body" ] || yh_fail "the old quarantine file is still there"
[ -e "$SPOOL/quarantine/new.body" ] || yh_fail "the new quarantine file went"
grep -q 'retention: removed .*quarantine/old.body' "$T/cgi.err" || yh_fail "no log line for old.body"
"$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1 || yh_fail "--verify: $(cat "$T/verify")"

# Once a day: a day put back by hand stays until tomorrow's run.
old_day "$SPOOL" "$d10" 5 d10
new_batch "$T/more.json" m 5
cgi_post "$T/more.json"
has_day "$d10" || yh_fail "retention ran twice in one day"
! grep -q 'retention:' "$T/cgi.err" || yh_fail "the second batch logged retention: $(cat "$T/cgi.err")"
yh_finish
