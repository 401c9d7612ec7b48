#!/usr/bin/env bash
# faults.erase_kill9: --erase killed (SIGKILL) just before each of its
# sync, rename and write calls in turn (the faults binary's "op:k:kill"),
# and at a few moments from outside: every archive day and quarantine
# file is then whole, either as before or as after the erase; the next
# writer, --ack, --rebuild or --erase finishes the day it was in, --verify
# passes, nothing else is lost, and the consumers get every other event
# exactly once.
# Usage: erase_kill9.sh FAULTS_BINARY SOURCE_DIR
: "${YH_TEST_TIMEOUT:=280}"
# shellcheck source=../e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
# shellcheck source=../e2e/erase_lib.sh
. "$(dirname "$0")/../e2e/erase_lib.sh"
yh_need python3
yh_init
yh_write_conf "allow_anonymous = true;" "xlsx = false;"
erase_make_spool 2 24
# Two bodies in quarantine that hold the person's address, to redact.
printf '[{"email":"anna@example.com"} x' >"$T/q1.json"
printf '[{"email":"anna\\u0040example.com"} x' >"$T/q2.json"
for q in q1 q2; do
	"$YH_BIN" --ingest --config "$CONF" "$T/$q.json" >/dev/null 2>&1 || yh_die "--ingest $q"
done
[ "$(ls "$SPOOL/quarantine" | wc -l)" = 2 ] || yh_die "the bodies were not quarantined"
erase_events >"$T/all"
# One consumer just before the first erased event, one in the middle.
first=$(grep -nxF -f "$T/gone" "$T/all" | head -1 | cut -d: -f1)
for c in c1:$((first - 1)) c2:30; do
	: >"$T/got.${c%%:*}"
	tail_c "${c%%:*}" "${c#*:}"
	ack_c "${c%%:*}"
done
printf '[{"iid":"late-1","activityStatus":"READ","email":"zed@example.com"}]' >"$T/late.json"
mkdir "$T/p" "$T/after"
cp -a "$SPOOL" "$T/p/spool"
cp -a "$CSV" "$T/p/csv"
cp "$T"/got.c? "$T/p/"
restore() {
	rm -rf "$SPOOL" "$CSV"
	cp -a "$T/p/spool" "$SPOOL"
	cp -a "$T/p/csv" "$CSV"
	cp "$T"/p/got.c? "$T/"
}
# shellcheck disable=SC2086
erase_run $ERASE_ARGS || yh_die "--erase: $(cat "$T/erase.err")"
cp "$SPOOL"/archive/*.jsonl "$SPOOL"/quarantine/* "$T/after/"
grep -vxF -f "$T/gone" "$T/all" >"$T/want.base"

# After a kill: each day whole, before or after; then one of the ways on.
check_case() {	# check_case WHAT N
	local what=$1 f name late=""
	for f in "$SPOOL"/archive/*.jsonl; do
		name=$(basename "$f")
		cmp -s "$f" "$T/p/spool/archive/$name" || cmp -s "$f" "$T/after/$name" ||
			yh_fail "$what: archive/$name is neither as before nor as after"
	done
	for f in "$SPOOL"/quarantine/*; do
		name=$(basename "$f")
		cmp -s "$f" "$T/p/spool/quarantine/$name" || cmp -s "$f" "$T/after/$name" ||
			yh_fail "$what: quarantine/$name is neither as before nor as after"
	done
	[ "$(ls -A "$SPOOL/quarantine" | wc -l)" = 2 ] ||
		yh_fail "$what: quarantine/ holds $(ls -A "$SPOOL/quarantine")"
	case $(($2 % 4)) in
	1)	"$YH_BIN" --ingest --config "$CONF" "$T/late.json" >"$T/ing" 2>&1 ||
			yh_fail "$what: a writer after the kill: $(cat "$T/ing")"
		late=late-1 ;;
	2)	"$YH_BIN" --ack --config "$CONF" --consumer c1 2>"$T/ack.err" ||
			yh_fail "$what: --ack after the kill: $(cat "$T/ack.err")" ;;
	3)	"$YH_BIN" --rebuild --config "$CONF" >"$T/rb" 2>&1 ||
			yh_fail "$what: --rebuild after the kill: $(cat "$T/rb")" ;;
	esac
	if [ $(($2 % 4)) != 0 ]; then
		[ -e "$SPOOL/views/erase.journal" ] && yh_fail "$what: the day was left unfinished"
		"$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1 ||
			yh_fail "$what: --verify before --erase ran again: $(cat "$T/verify")"
	fi
	# shellcheck disable=SC2086
	erase_run $ERASE_ARGS || yh_fail "$what: --erase again: $(cat "$T/erase.err")"
	left=$(erase_traces)
	[ -z "$left" ] || yh_fail "$what: the value is still in $left"
	left=$(ls -A "$SPOOL/archive" | grep -v '^[0-9-]*\.jsonl$')
	[ -z "$left" ] || yh_fail "$what: --erase left in archive/: $left"
	"$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1 ||
		yh_fail "$what: --verify: $(cat "$T/verify")"
	{ cat "$T/want.base"; [ -z "$late" ] || echo "$late"; } >"$T/want"
	erase_events >"$T/now"
	cmp -s "$T/now" "$T/want" || yh_fail "$what: events lost or kept: $(diff "$T/want" "$T/now" | head -3)"
	for c in c1 c2; do
		tail_c $c
		ack_c $c
		grep -vxF -f "$T/gone" "$T/got.$c" >"$T/kept.$c"
		cmp -s "$T/kept.$c" "$T/want" ||
			yh_fail "$what: consumer $c: $(diff "$T/want" "$T/kept.$c" | head -3)"
	done
}

cases=0
for op in sync rename write; do
	k=1
	while :; do
		restore
		# The subshell reaps the killed process, so this shell says nothing.
		# shellcheck disable=SC2086
		( YH_FAULT=$op:$k:kill "$YH_BIN" --erase --config "$CONF" $ERASE_ARGS \
			>/dev/null 2>"$T/kill.err"; echo $? >"$T/rc" ) 2>/dev/null
		rc=$(cat "$T/rc")
		[ $rc = 0 ] && break
		[ $rc = 137 ] || yh_die "$op #$k: --erase exited $rc: $(cat "$T/kill.err")"
		cases=$((cases + 1))
		check_case "killed before $op #$k" $cases
		k=$((k + 1))
	done
done
# Each kind of call happens many times in an erase: a loop that stopped at
# once means no kill was injected, and nothing above was tested.
[ "$cases" -ge 20 ] || yh_die "only $cases injected kills landed: is YH_FAULT honoured?"
# And from outside, at moments a clock picks.
for i in 1 2 3 4 5 6; do
	restore
	# shellcheck disable=SC2086
	(
		"$YH_BIN" --erase --config "$CONF" $ERASE_ARGS >/dev/null 2>&1 &
		pid=$!
		sleep "0.0$((RANDOM % 4))$((RANDOM % 10))"
		kill -KILL $pid
		wait $pid
	) 2>/dev/null
	cases=$((cases + 1))
	check_case "killed from outside ($i)" $cases
done
say "$cases kills"
yh_finish
