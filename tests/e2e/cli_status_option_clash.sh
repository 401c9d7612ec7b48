#!/usr/bin/env bash
# cli_status_option_clash: --status is two things.  With --export, --status
# S keeps the events of STATUS S (and a missing S is a usage error); alone,
# --status is the health command, which takes no value: --status S without
# --export is a usage error (exit 2), as is a --max-silence that is no
# duration or comes with another command.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf
yh_ingest_ok bulk-campaign.json

run() { "$YH_BIN" "$@" --config "$CONF" >"$T/out" 2>"$T/err"; RC=$?; }

run --export --status DELIVERED --format jsonl
[ "$RC" = 0 ] && [ "$(wc -l <"$T/out")" = 3 ] && ! grep -qv DELIVERED "$T/out" ||
	yh_fail "--export --status DELIVERED: exit $RC, $(wc -l <"$T/out") lines: $(cat "$T/out" "$T/err")"
run --status UNDELIVERED --format jsonl --export
[ "$RC" = 0 ] && [ "$(wc -l <"$T/out")" = 1 ] ||
	yh_fail "--status UNDELIVERED ... --export: exit $RC, $(wc -l <"$T/out") lines"
run --exp --sta DELIVERED --format jsonl
[ "$RC" = 0 ] && [ "$(wc -l <"$T/out")" = 3 ] ||
	yh_fail "--exp --sta DELIVERED (abbreviated): exit $RC: $(cat "$T/err")"
run --status
[ "$RC" = 0 ] && grep -q '"status":' "$T/out" || yh_fail "--status alone: exit $RC: $(cat "$T/out" "$T/err")"
run --sta --max-sil 1d
[ "$RC" = 0 ] && grep -q '"status":' "$T/out" || yh_fail "--sta --max-sil 1d: exit $RC: $(cat "$T/err")"
for bad in "--status DELIVERED" "--status=DELIVERED" "--export --status" \
	"--status --max-silence 6" "--status --max-silence 0h" "--export --max-silence 1h"; do
	# shellcheck disable=SC2086 # the words are the arguments
	run $bad
	[ "$RC" = 2 ] || yh_fail "$bad: exit $RC, want 2 (usage): $(cat "$T/out" "$T/err")"
done
yh_finish
