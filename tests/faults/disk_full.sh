#!/usr/bin/env bash
# A real "disk full": RLIMIT_FSIZE (with SIGXFSZ ignored, so writes fail
# with EFBIG) stops the archive from growing.  The batch must get 503 with
# Retry-After and leave the archive as it was; the retry without the limit
# stores it exactly once.  Usage: disk_full.sh BINARY SOURCE_DIR
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

bin=$1
src=$2
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
setup_spool "$work"

size=$(seed_past_index "$bin" "$work") || exit 1
archive=$(ls "$work"/spool/archive/*.jsonl)
limit_kib=$(((size + 1023) / 1024))

batch=$src/tests/data/triggered-campaign.json
(
	trap '' XFSZ
	ulimit -f "$limit_kib"
	post "$bin" "$work" "$batch"
) || fail "the process died under the size limit"
[ "$(status_of "$work")" = 503 ] || fail "disk full answered $(status_of "$work"), want 503"
grep -q '^Retry-After: ' "$work/out" || fail "503 without Retry-After"
grep -q 'File too large' "$work/err" || fail "the log does not say why: $(cat "$work/err")"
[ "$(stat -c %s "$archive")" = "$size" ] || fail "the archive changed after a 503"
check_whole_lines "$work"

post "$bin" "$work" "$batch" || fail "the retry died"
[ "$(status_of "$work")" = 200 ] || fail "the retry answered $(status_of "$work")"
[ "$(count_of "$work" stored)" = 3 ] || fail "the retry stored $(count_of "$work" stored) of 3"
[ "$(events_of "$work" | uniq -d | wc -l)" = 0 ] || fail "an event is stored twice"
[ "$(events_of "$work" | wc -l)" = 3003 ] || fail "the archive holds $(events_of "$work" | wc -l) events, want 3003"
"$bin" --verify --config "$work/yespo-hook.conf" >"$work/verify" 2>&1 ||
	fail "--verify: $(cat "$work/verify")"
echo "disk full: answered 503, archive unchanged; retry stored 3 once"
