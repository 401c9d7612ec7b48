#!/usr/bin/env bash
# recipes.on_commit: the on_commit command runs after a storing batch's
# answer (a POST is answered while the command is still blocked), one at a
# time, once more for the batches that came meanwhile, with the consumer
# protocol at hand (it takes every event with --tail and --ack); a command
# that fails is recorded in views/hook.failed and changes no answer.
# shellcheck source=../e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
YH_TEST_TIMEOUT=90
yh_need mkfifo timeout
yh_init
mkfifo "$T/gate"
cat >"$T/hook.sh" <<HOOK
#!/bin/sh
mkdir "$T/running" 2>/dev/null || echo overlap >>"$T/overlap"
echo run >>"$T/runs"
if [ -p "$T/gate" ]; then cat "$T/gate" >/dev/null; fi
"$YH_BIN" --tail --consumer hook >>"$T/got.jsonl" && "$YH_BIN" --ack --consumer hook
rc=\$?
rmdir "$T/running"
exit \$rc
HOOK
chmod +x "$T/hook.sh"
yh_std_conf "on_commit = \"$T/hook.sh\";"

post() {
	yh_cgi_run "$T/out" "$1" REQUEST_METHOD=POST QUERY_STRING="token=$YH_TOKEN" \
		CONTENT_LENGTH="$(wc -c <"$1")"
	yh_cgi_parse "$T/out"
	[ "$CODE" = 200 ] || yh_die "POST $1 answered $CODE: $(cat "$T/cgi.err")"
}

post "$YH_DATA/bulk-campaign.json"
# Answered while the command waits at the gate: the answer did not wait.
[ -e "$T/got.jsonl" ] && yh_fail "the command ran through before the answer came"
post "$YH_DATA/triggered-campaign.json"
post "$YH_DATA/edge.json"
timeout 20 sh -c "echo go >'$T/gate'" || yh_die "the command never started"
rm -f "$T/gate"

# Bounded waits for the detached runs: the second, for the batches that
# came during the first, then its end.
want=$(cat "$SPOOL"/archive/*.jsonl | wc -l)
for _ in $(seq 1 150); do
	[ -e "$T/running" ] || [ "$(wc -l <"$T/runs")" -lt 2 ] ||
		[ "$(cat "$T/got.jsonl" 2>/dev/null | wc -l)" != "$want" ] || break
	sleep 0.2
done
cat "$SPOOL"/archive/*.jsonl | LC_ALL=C sort >"$T/want"
LC_ALL=C sort "$T/got.jsonl" >"$T/got"
cmp -s "$T/want" "$T/got" ||
	yh_fail "the command took $(wc -l <"$T/got") events, not the $want archived"
[ -e "$T/overlap" ] && yh_fail "two runs of the command overlapped"
[ "$(wc -l <"$T/runs")" -ge 2 ] || yh_fail "no run for the batches that came during the first"

# A failing command: recorded, and the answers stay 200.  (A spool of its
# own: a supervisor still at work on the first would run the first command.)
printf '#!/bin/sh\nexit 3\n' >"$T/fail.sh"
chmod +x "$T/fail.sh"
SPOOL=$T/spool2
mkdir -m 0700 "$SPOOL"
yh_std_conf "on_commit = \"$T/fail.sh\";"
printf '[{"iid":"hook-1","activityStatus":"READ"}]' >"$T/one.json"
post "$T/one.json"
for _ in $(seq 1 150); do
	[ -s "$SPOOL/views/hook.failed" ] && break
	sleep 0.2
done
grep -q "exited 3" "$SPOOL/views/hook.failed" 2>/dev/null ||
	yh_fail "no record of the failed command in views/hook.failed"
yh_finish
