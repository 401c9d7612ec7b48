#!/usr/bin/env bash
# e2e.erase_consumers: consumers whose offsets lie before, between, inside
# a run of and after the erased lines (committed, and pending before an
# ack) each get every other event exactly once after --erase, and none of
# the erased ones again.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=erase_lib.sh
. "$(dirname "$0")/erase_lib.sh"
yh_need python3
yh_init
yh_write_conf "allow_anonymous = true;"
erase_make_spool 2 40
erase_events >"$T/all"
total=$(wc -l <"$T/all")

# Where the person's events stand among all: the consumers are placed
# right before one, right after one, inside a run, between days, at the end.
python3 - "$T/all" "$T/gone" >"$T/places" <<'PY'
import sys
allv = open(sys.argv[1]).read().splitlines()
gone = set(open(sys.argv[2]).read().splitlines())
g = [i for i, v in enumerate(allv) if v in gone]
run = next(i for i in g if i + 1 in g)
print(' '.join(str(p) for p in sorted({0, g[0], g[0] + 1, g[1], run + 1, g[-1], g[-1] + 1,
                                      40, len(allv)})))
PY
read -r -a places <"$T/places"
names=()
for p in "${places[@]}"; do
	c=at$p
	names+=("$c")
	: >"$T/got.$c"
	if [ "$p" -gt 0 ]; then
		tail_c "$c" "$p"
		ack_c "$c"
	fi
done
# Pending ahead of committed: handed out, acked only after the erase.
: >"$T/got.pend"
tail_c pend 10
ack_c pend
tail_c pend 7
names+=(pend)
[ "$(wc -l <"$T/got.pend")" = 17 ] || yh_die "the pending consumer got $(wc -l <"$T/got.pend")"

# shellcheck disable=SC2086
erase_run $ERASE_ARGS || yh_die "--erase exited $?: $(cat "$T/erase.err")"
grep -vxF -f "$T/gone" "$T/all" >"$T/want"

ack_c pend
for c in "${names[@]}"; do
	tail_c "$c"
	ack_c "$c"
	# What was got before the erase may hold erased events; from then on none.
	ids <"$T/tail.out" | grep -qxF -f "$T/gone" &&
		yh_fail "$c was handed an erased event after --erase"
	grep -vxF -f "$T/gone" "$T/got.$c" >"$T/kept.$c"
	cmp -s "$T/kept.$c" "$T/want" ||
		yh_fail "$c did not get every other event exactly once: $(diff "$T/want" "$T/kept.$c" | head -5)"
done
[ "$(wc -l <"$T/want")" -lt "$total" ] || yh_die "nothing was erased"
"$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1 || yh_fail "--verify: $(cat "$T/verify")"
yh_finish
