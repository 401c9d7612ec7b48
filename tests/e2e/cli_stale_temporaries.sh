#!/usr/bin/env bash
# cli_stale_temporaries: a writer killed in the middle of a large body, or
# a killed --verify, leaves its temporary file or directory in spool/tmp;
# the next --ingest removes those untouched for two hours and leaves a
# fresh one (it may belong to a writer at work).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf
mkdir -p "$SPOOL/tmp/verify.Xy12Z9/views"
head -c 100000 /dev/zero >"$SPOOL/tmp/q.4242.7"
: >"$SPOOL/tmp/verify.Xy12Z9/views/2026-01-01.hint"
touch -d '2 hours ago' "$SPOOL/tmp/q.4242.7" "$SPOOL/tmp/verify.Xy12Z9/views/2026-01-01.hint" \
	"$SPOOL/tmp/verify.Xy12Z9/views" "$SPOOL/tmp/verify.Xy12Z9"
: >"$SPOOL/tmp/q.4242.8"
if ! "$YH_BIN" --ingest --config "$CONF" "$YH_DATA/triggered-campaign.json" \
	</dev/null >"$T/stdout" 2>"$T/stderr"; then
	yh_die "--ingest failed: $(cat "$T/stderr")"
fi
[ -e "$SPOOL/tmp/q.4242.7" ] && yh_fail "a temporary file two hours old is still in spool/tmp"
[ -e "$SPOOL/tmp/verify.Xy12Z9" ] && yh_fail "a --verify scratch directory two hours old is still in spool/tmp"
[ -e "$SPOOL/tmp/q.4242.8" ] || yh_fail "a fresh temporary file was removed"
yh_check_files triggered
yh_finish
