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
archive_lines "$work/ref/spool" | sed 's/,"_receivedAt":"[^"]*"}$/}/' >"$work/want"

# until_200 DIR FILE: resend FILE until it is answered 200.
until_200() {
	local i
	for i in 1 2 3 4 5; do
		post "$bin" "$1" "$2" && [ "$(status_of "$1")" = 200 ] && return 0
	done
	return 1
}

cases=0 inside=0
for op in open write sync rename close truncate unlink; do
	k=1
	while :; do
		d=$work/case
		rm -rf "$d"
		cp -a "$work/base" "$d"
		sed -i "s|$work/base/|$d/|" "$d/yespo-hook.conf"
		# The shell's own "Killed" notice is not news here.
		(post "$bin" "$d" "$work/a.json" YH_FAULT="$op:$k:kill") 2>/dev/null
		rc=$?
		[ $rc -eq 137 ] || break
		cases=$((cases + 1))
		what="kill at $op #$k"
		# Killed while compressing: a temporary archive file or the gz is there.
		if ls "$d/spool/tmp" | grep -q '^archive\.tmp\.' ||
		    [ -e "$d/spool/archive/$old.jsonl.gz" ]; then
			inside=$((inside + 1))
		fi
		n=$(archive_lines "$d/spool" | grep -c '"iid":"old-')
		[ "$n" -eq 2000 ] || fail "$what: the old day holds $n lines, not 2000"
		until_200 "$d" "$work/a.json" || fail "$what: the resend was not answered 200"
		until_200 "$d" "$work/b.json" || fail "$what: the next batch was not answered 200"
		[ ! -e "$d/spool/archive/$old.jsonl" ] || fail "$what: the old day is still plain"
		archive_lines "$d/spool" | sed 's/,"_receivedAt":"[^"]*"}$/}/' >"$work/got"
		cmp -s "$work/want" "$work/got" ||
			fail "$what: the archive differs: $(diff "$work/want" "$work/got" | head -n 4)"
		"$bin" --config "$d/yespo-hook.conf" --verify >"$work/verify" 2>&1 ||
			fail "$what: --verify: $(head -n 3 "$work/verify")"
		k=$((k + 1))
	done
done
[ "$inside" -ge 10 ] || fail "only $inside of $cases kills landed inside the compression"
printf 'compress_kill: %d kills (%d inside the compression), each followed by a resend: ' \
	"$cases" "$inside"
printf '0 lost, 0 doubled, --verify passed\n'
