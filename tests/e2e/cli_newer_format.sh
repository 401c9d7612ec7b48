#!/usr/bin/env bash
# cli_newer_format: a spool written by a newer yespo-hook (spool/format
# holds a higher number) is refused: --ingest and --check exit 1 with a
# line naming the formats, a POST answers 503, and the archive is not
# touched.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf

printf '%s\n' '[{"iid":"a"}]' >"$T/a.json"
printf '%s\n' '[{"iid":"b"}]' >"$T/b.json"
"$YH_BIN" --ingest --config "$CONF" "$T/a.json" >"$T/stdout" 2>"$T/stderr" ||
	yh_die "--ingest failed: $(cat "$T/stderr")"
[ "$(cat "$SPOOL/format")" = 2 ] || yh_fail "spool/format does not hold 2"
printf '99\n' >"$SPOOL/format"
before=$(cat "$SPOOL"/archive/*.jsonl | md5sum)
"$YH_BIN" --ingest --config "$CONF" "$T/b.json" >"$T/stdout" 2>"$T/stderr"
rc=$?
[ "$rc" -eq 1 ] || yh_fail "--ingest on a newer spool exited $rc, not 1"
grep -q 'has format 99, newer than this binary' "$T/stderr" ||
	yh_fail "no line about the newer format: $(cat "$T/stderr")"

"$YH_BIN" --check --config "$CONF" >"$T/stdout" 2>"$T/stderr"
rc=$?
[ "$rc" -eq 1 ] || yh_fail "--check on a newer spool exited $rc, not 1"
grep -q 'has format 99, newer than this binary' "$T/stderr" ||
	yh_fail "--check says nothing of the newer format: $(cat "$T/stderr")"

yh_lt_start cgi
yh_post_file "$BASE$HOOK?token=$YH_TOKEN" "$T/b.json"
yh_expect_code 503 "POST to a newer spool"
[ "$(cat "$SPOOL"/archive/*.jsonl | md5sum)" = "$before" ] ||
	yh_fail "the archive changed"
yh_finish
