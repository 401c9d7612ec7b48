#!/usr/bin/env bash
# The last 503 is recorded durably with its time and cause: a batch that
# cannot be archived (RLIMIT_FSIZE: the disk is "full") gets 503, and a
# later --status, another process, names it (at, reason) even after a
# batch that worked.  Usage: last_503.sh BINARY SOURCE_DIR
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

bin=$1
src=$2
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
setup_spool "$work"
conf=$work/yespo-hook.conf

reason() {
	"$bin" --status --config "$conf" >"$work/status.json"
	/usr/bin/python3 -c 'import json, sys
o = json.load(open(sys.argv[1]))["last_503"]
print("none" if o is None else o["at"] + " " + o["reason"])' "$work/status.json"
}

# The archive larger than the index, so a size limit between them stops
# only the archive.
size=$(seed_past_index "$bin" "$work") || exit 1
[ "$(reason)" = none ] || fail "a 503 is on record before any: $(reason)"

start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
(
	trap '' XFSZ
	ulimit -f $(((size + 1023) / 1024))
	post "$bin" "$work" "$src/tests/data/triggered-campaign.json"
) || fail "the process died under the size limit"
[ "$(status_of "$work")" = 503 ] || fail "disk full answered $(status_of "$work"), want 503"
got=$(reason)
case $got in
*"appending to the archive: File too large") ;;
*) fail "--status says the last 503 was: $got" ;;
esac
[[ ! ${got%% *} < $start ]] || fail "the 503's time ${got%% *} is before the test began ($start)"

post "$bin" "$work" "$src/tests/data/triggered-campaign.json" || fail "the retry died"
[ "$(status_of "$work")" = 200 ] || fail "the retry answered $(status_of "$work")"
[ "$(reason)" = "$got" ] || fail "the record changed after a 200: $(reason)"
echo "last 503 recorded: $got"
