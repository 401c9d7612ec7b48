#!/usr/bin/env bash
# Make each open, write, sync, rename, close and truncate of a request fail
# in turn (the k-th call, once and for ever), on an empty spool and on one
# that already holds a day.  Every case must answer 200 or 503 (with
# Retry-After), leave no half line, and its retry must then store the
# batch exactly once (none of it a duplicate after a 503), with --verify
# passing.  Usage: io_faults.sh FAULTS_BINARY SOURCE_DIR
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

bin=$1
src=$2
data=$src/tests/data
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

# The batch under test has 3 events; the seeded day has the bulk fixture's 4.
batch=$data/triggered-campaign.json
setup_spool "$work/empty"
setup_spool "$work/seeded"
post "$bin" "$work/seeded" "$data/bulk-campaign.json" || fail "seeding the spool"
[ "$(status_of "$work/seeded")" = 200 ] || fail "seeding answered $(status_of "$work/seeded")"

# What each spool holds after the batch when nothing fails.
for base in empty seeded; do
	cp -a "$work/$base" "$work/ref"
	sed -i "s|$work/$base/|$work/ref/|" "$work/ref/yespo-hook.conf"
	post "$bin" "$work/ref" "$batch" || fail "reference run"
	events_of "$work/ref" >"$work/want-$base"
	rm -rf "$work/ref"
done

cases=0 injected=0 answered503=0 lost=0 doubled=0
for base in empty seeded; do
	for op in open write sync rename close truncate; do
		for mode in "" ":forever"; do
			k=1
			while :; do
				d=$work/case
				rm -rf "$d"
				cp -a "$work/$base" "$d"
				sed -i "s|$work/$base/|$d/|" "$d/yespo-hook.conf"
				post "$bin" "$d" "$batch" YH_FAULT="$op:$k$mode"
				rc=$?
				grep -q 'injected fault' "$d/err" || break
				cases=$((cases + 1))
				injected=$((injected + $(grep -c 'injected fault' "$d/err")))
				what="$base spool, $op #$k${mode:+ for ever}"
				[ $rc -eq 0 ] || fail "$what: the process died ($rc)"
				first=$(status_of "$d")
				case $first in
				200) ;;
				503) grep -q '^Retry-After: ' "$d/out" ||
					fail "$what: 503 without Retry-After"
					answered503=$((answered503 + 1)) ;;
				*) fail "$what: answered '$first'" ;;
				esac
				check_whole_lines "$d"

				post "$bin" "$d" "$batch" || fail "$what: the retry died"
				[ "$(status_of "$d")" = 200 ] ||
					fail "$what: the retry answered $(status_of "$d"): $(cat "$d/err")"
				stored=$(count_of "$d" stored)
				dups=$(count_of "$d" duplicates)
				if [ "$first" = 503 ] && [ "$stored" != 3 ]; then
					fail "$what: after a 503 the retry stored $stored of 3"
				fi
				if [ "$first" = 200 ] && [ "$dups" != 3 ]; then
					fail "$what: after a 200 the retry found $dups of 3 duplicates"
				fi
				check_whole_lines "$d"
				events_of "$d" >"$work/got"
				lost=$((lost + $(LC_ALL=C comm -23 "$work/want-$base" "$work/got" | wc -l)))
				doubled=$((doubled + $(LC_ALL=C comm -13 "$work/want-$base" "$work/got" | wc -l)))
				cmp -s "$work/want-$base" "$work/got" ||
					echo "$what: the archive differs from a run without faults" >&2
				"$bin" --verify --config "$d/yespo-hook.conf" >"$d/verify" 2>&1 ||
					fail "$what: --verify: $(cat "$d/verify")"
				k=$((k + 1))
			done
		done
	done
done
[ $cases -ge 50 ] || fail "only $cases fault cases fired: is this the faults build?"
[ $lost -eq 0 ] && [ $doubled -eq 0 ] || fail "events lost: $lost; duplicates: $doubled"
printf 'faults injected: %d in %d cases (%d answered 503); events lost: %d; duplicates: %d\n' \
	"$injected" "$cases" "$answered503" "$lost" "$doubled"
