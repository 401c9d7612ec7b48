#!/usr/bin/env bash
# e2e.erase_during_tail: a --tail that is still writing its events when an
# --erase rewrites the archive records nothing and exits 1 (its offsets
# would be of the files before), so an --ack after it commits nothing and
# the next --tail hands out every remaining event exactly once.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=erase_lib.sh
. "$(dirname "$0")/erase_lib.sh"
yh_need python3
yh_init
yh_write_conf "allow_anonymous = true;"
erase_make_spool 2 1500
erase_events >"$T/all"
mkfifo "$T/fifo"
"$YH_BIN" --tail --config "$CONF" --consumer t >"$T/fifo" 2>"$T/tail1.err" &
pid=$!
yh_track_pid "$pid"
exec 3<"$T/fifo"
# Once it has begun writing it holds no lock; a full pipe then stops it.
head -c 100 <&3 >/dev/null
# shellcheck disable=SC2086
erase_run $ERASE_ARGS || yh_die "--erase exited $?: $(cat "$T/erase.err")"
cat <&3 >/dev/null
exec 3<&-
wait "$pid"
rc=$?
yh_untrack_pid "$pid"
[ "$rc" = 1 ] || yh_fail "the --tail the erase overtook exited $rc, not 1"
grep -q 'rewrote the archive' "$T/tail1.err" || yh_fail "it did not say why: $(cat "$T/tail1.err")"
ack_c t
: >"$T/got.t"
tail_c t
grep -vxF -f "$T/gone" "$T/all" >"$T/want"
cmp -s "$T/got.t" "$T/want" ||
	yh_fail "the next --tail did not hand out every other event once: $(diff "$T/want" "$T/got.t" | head -5)"
yh_finish
