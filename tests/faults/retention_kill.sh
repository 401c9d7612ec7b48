#!/usr/bin/env bash
# kill -9 at every open, write, sync, rename, close, truncate and unlink of
# a request after which retention removes two archive days (10 and 8 days
# old, by hand), their CSV folders and an old quarantine file: after each
# kill, a resend and one more batch leave the spool as an undisturbed run
# does (the same events, days and folders) and --verify passing.
# Usage: retention_kill.sh FAULTS_BINARY SOURCE_DIR
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
# shellcheck source=../e2e/days_lib.sh
. "$here/../e2e/days_lib.sh"

bin=$1
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

setup_spool "$work/base"
printf 'dedup_window_days = 2;\nretention_days = 3;\n' >>"$work/base/yespo-hook.conf"
mkdir -p "$work/base/spool/archive" "$work/base/spool/quarantine"
for n in 10 8 2; do
	old_day "$work/base/spool" "$(days_ago $n)" 50 "d$n"
done
printf '{}\n' >"$work/base/spool/quarantine/old.body"
touch -d '10 days ago' "$work/base/spool/quarantine/old.body"
"$bin" --config "$work/base/yespo-hook.conf" --rebuild >/dev/null 2>&1 || fail "--rebuild"
new_batch "$work/a.json" a 30
new_batch "$work/b.json" b 30

# state DIR: what must match an undisturbed run: events, archive days, folders.
state() {
	archive_lines "$1/spool" | sed 's/,"_receivedAt":"[^"]*"}$/}/'
	ls "$1/spool/archive" | sed 's/\.jsonl\(\.gz\)\{0,1\}$//' | sort -u
	(cd "$1/spool/csv" && ls)
	(cd "$1/spool/quarantine" && ls)
}
cp -a "$work/base" "$work/ref"
sed -i "s|$work/base/|$work/ref/|" "$work/ref/yespo-hook.conf"
post "$bin" "$work/ref" "$work/a.json" && post "$bin" "$work/ref" "$work/b.json" || fail "reference run"
[ ! -e "$work/ref/spool/archive/$(days_ago 10).jsonl" ] || fail "the reference run removed nothing"
state "$work/ref" >"$work/want"

# After a kill: Yespo's resend and the next batch leave the spool as an
# undisturbed run does, with --verify passing.
inside=0
after_kill() {
	local d=$1 what=$2
	grep -q 'retention: removed' "$d/err" && inside=$((inside + 1))
	recover "$bin" "$d" "$work/a.json" "$work/b.json" state "$work/want" "$what"
}
kill_each_call "$bin" "$work/base" "$work" "$work/a.json" after_kill
[ "$inside" -ge 3 ] || fail "only $inside of $KILLS kills landed inside the retention"
printf 'retention_kill: %d kills (%d inside the retention), each followed by a resend: ' \
	"$KILLS" "$inside"
printf 'the spool as after an undisturbed run, --verify passed\n'
