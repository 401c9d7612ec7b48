#!/usr/bin/env bash
# kill -9 at every open, write, sync, rename, close, truncate and unlink of
# a request whose step after the answer compresses a closed day (five days
# old, 2000 events written by hand): after each kill, a resend and one
# more batch (Yespo's way) leave every event once, the old day compressed
# in one file, and --verify passing.  Usage: compress_kill.sh FAULTS_BINARY SOURCE_DIR
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
# shellcheck source=../e2e/days_lib.sh
. "$here/../e2e/days_lib.sh"

bin=$1
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

old=$(days_ago 5)
setup_spool "$work/base"
mkdir -p "$work/base/spool/archive"
old_day "$work/base/spool" "$old" 2000 old
"$bin" --config "$work/base/yespo-hook.conf" --rebuild >/dev/null 2>&1 || fail "--rebuild"
new_batch "$work/a.json" a 30
new_batch "$work/b.json" b 30
# What the spool must hold in the end: every line of the old day, a and b once.
cp -a "$work/base" "$work/ref"
sed -i "s|$work/base/|$work/ref/|" "$work/ref/yespo-hook.conf"
post "$bin" "$work/ref" "$work/a.json" && post "$bin" "$work/ref" "$work/b.json" || fail "reference run"
[ -f "$work/ref/spool/archive/$old.jsonl.gz" ] || fail "the reference run compressed nothing"
# events DIR: the events of DIR's spool, stamps removed, sorted.
events() { archive_lines "$1/spool" | sed 's/,"_receivedAt":"[^"]*"}$/}/'; }
events "$work/ref" >"$work/want"

# After a kill: the old day whole, then Yespo's resend and the next batch
# leave what an undisturbed run leaves, compressed, with --verify passing.
inside=0
after_kill() {
	local d=$1 what=$2 n
	# Killed while compressing: a temporary archive file or the gz is there.
	if ls "$d/spool/tmp" | grep -q '^archive\.tmp\.' ||
	    [ -e "$d/spool/archive/$old.jsonl.gz" ]; then
		inside=$((inside + 1))
	fi
	n=$(archive_lines "$d/spool" | grep -c '"iid":"old-')
	[ "$n" -eq 2000 ] || fail "$what: the old day holds $n lines, not 2000"
	recover "$bin" "$d" "$work/a.json" "$work/b.json" events "$work/want" "$what"
	[ ! -e "$d/spool/archive/$old.jsonl" ] || fail "$what: the old day is still plain"
}
kill_each_call "$bin" "$work/base" "$work" "$work/a.json" after_kill
[ "$inside" -ge 10 ] || fail "only $inside of $KILLS kills landed inside the compression"
printf 'compress_kill: %d kills (%d inside the compression), each followed by a resend: ' \
	"$KILLS" "$inside"
printf '0 lost, 0 doubled, --verify passed\n'
