#!/usr/bin/env bash
# archive_erase_compressed: --erase of a value held by a compressed day
# leaves no copy of it in the archive (the day's gz goes once the plain
# rewrite is durable), --verify passes, and the next batch compresses the
# day again.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=days_lib.sh
. "$(dirname "$0")/days_lib.sh"
yh_init
yh_write_conf 'allow_anonymous = true;'

compressed_day 5 8 old
"$YH_BIN" --erase email=u3@example.com --config "$CONF" >"$T/erase" 2>&1 ||
	yh_fail "--erase: $(cat "$T/erase")"
[ ! -e "$SPOOL/archive/$old.jsonl.gz" ] || yh_fail "the compressed day's old copy is still there"
n=$(archive_cat "$SPOOL" | grep -c '"email":"u3@example.com"')
[ "$n" -eq 0 ] || yh_fail "the archive still holds the erased value $n times"
[ "$(archive_cat "$SPOOL" | grep -c '"iid":"old-')" -eq 7 ] || yh_fail "the day lost other events"
"$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1 || yh_fail "--verify: $(cat "$T/verify")"
new_batch "$T/b.json" b 2
cgi_post "$T/b.json"
[ -f "$SPOOL/archive/$old.jsonl.gz" ] && [ ! -e "$SPOOL/archive/$old.jsonl" ] ||
	yh_fail "the next batch did not compress the day again"
"$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1 || yh_fail "--verify: $(cat "$T/verify")"
yh_finish
