#!/usr/bin/env bash
# stress/crash: kill -9 at random instants while a sender that behaves like
# Yespo (each batch resent until it gets 200, strictly in order) posts
# batches of a few hundred events.  Two phases on one spool: lighttpd's
# mod_cgi (one process a request: every kill lands inside a request) and
# lighttpd's FastCGI with 4 workers (lighttpd respawns a killed worker).
# At the end, after one more batch with no killer about: every
# acknowledged event is in the archive exactly once, the CSVs and
# summaries are byte for byte what --rebuild makes, and --verify passes.
# Usage: crash.sh BINARY SOURCE_DIR   (exit 0 pass, 1 fail, 77 skip)
#
# The spool starts with YS_OLD_DAYS closed archive days (default 12,
# 3..14 days old, 3000 events each, written by hand and taken in by
# --rebuild): the step after each answer compresses one, so kills land
# inside compressions too, and their events count like the acknowledged
# ones.
#
# Knobs (environment): YS_CGI_KILLS (default 200) and YS_FCGI_KILLS (100),
# the kills each phase must land; YS_PHASE_LIMIT (90), the seconds a phase
# may take to land them; YS_BATCH (300), events a batch.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

CGI_KILLS=${YS_CGI_KILLS:-200}
FCGI_KILLS=${YS_FCGI_KILLS:-100}
PHASE_LIMIT=${YS_PHASE_LIMIT:-90}
B=${YS_BATCH:-300}	# new events a batch
OV=5			# each batch also repeats the last OV events of the one before
MAX_ATTEMPTS=5000	# resends of one batch before the driver gives up
YH_TEST_TIMEOUT=${YH_TEST_TIMEOUT:-270}
yh_need_lighttpd
yh_need curl awk pkill pgrep
yh_init
yh_write_conf 'allow_anonymous = true;'
started=$(date +%s)
mkdir -p "$T/drv" "$SPOOL/archive"
OLD_DAYS=${YS_OLD_DAYS:-12}
for n in $(seq 3 $((OLD_DAYS + 2))); do
	old_day "$SPOOL" "$(days_ago "$n")" 3000 "o$n"
done
ys_events_of "$SPOOL" >"$T/old.events"
"$YH_BIN" --rebuild --config "$CONF" >/dev/null 2>"$T/rebuild.err" ||
	yh_die "--rebuild of the old days: $(cat "$T/rebuild.err")"
: >"$T/acked"
: >"$T/refused"
: >"$T/refused.all"
: >"$T/kills"

# The data.  Batch n is the B events of tests/stress/lib.sh's generator
# with the iid prefixed by "bN-" (so every batch is new), preceded, after
# batch 0, by the last OV events of batch n-1 (already acknowledged, so
# duplicates).  Made from two templates by one sed, cheap enough for the
# driver to spend its time waiting for the handler rather than making data.
ys_gen 0 "$B" | sed 's/"iid":"5e1f0000-/"iid":"b@N@-/' >"$T/new"
[ "$(grep -c '"iid":"b@N@-' "$T/new")" -eq "$B" ] || yh_die "the generator's iids changed"
ys_batch "$T/first.json" <"$T/new"
{ tail -n "$OV" "$T/new" | sed 's/@N@/@P@/'; cat "$T/new"; } | ys_batch "$T/next.json"
make_batch() {
	if [ "$1" -eq 0 ]; then
		sed 's/@N@/0/' "$T/first.json" >"$2"
	else
		sed "s/@P@/$(($1 - 1))/; s/@N@/$1/" "$T/next.json" >"$2"
	fi
}

# The driver: from batch $1 on, post each batch until it is answered 200,
# then the next, until $T/stop appears (looked at between batches only).
# Writes "n attempts answer" to $T/acked for each acknowledged batch, each
# other answer's code to $T/refused, and the next batch number to
# $T/drv/next.
driver() {
	local n=$1 attempts code deadline=$((SECONDS + PHASE_LIMIT + 30))
	while [ ! -e "$T/stop" ]; do
		make_batch "$n" "$T/drv/batch.json"
		attempts=0
		while :; do
			attempts=$((attempts + 1))
			code=$(curl -sS --noproxy '*' --max-time 30 -H 'Content-Type: application/json' \
				--data-binary "@$T/drv/batch.json" -o "$T/drv/answer" -w '%{http_code}' \
				"$BASE$HOOK" 2>>"$T/drv/curl.err") || code=000
			[ "$code" = 200 ] && break
			printf '%s %s\n' "$code" "$(head -c 100 "$T/drv/answer" | tr -c '[:print:]' ' ')" >>"$T/refused"
			if [ "$attempts" -ge "$MAX_ATTEMPTS" ] || [ "$SECONDS" -ge "$deadline" ]; then
				printf '%s\n' "$n" >"$T/drv/next"
				printf 'batch %d: still no 200 after %d attempts (last: %s)\n' "$n" "$attempts" \
					"$(tail -n 1 "$T/refused")" >>"$T/drv/failed"
				return 1
			fi
		done
		printf '%d %d %s\n' "$n" "$attempts" "$(<"$T/drv/answer")" >>"$T/acked"
		n=$((n + 1))
	done
	printf '%s\n' "$n" >"$T/drv/next"
}

# The CGI killer, where Linux lists a process's children
# (/proc/PID/task/PID/children): watch lighttpd's children, fork-free, at
# 1 ms intervals.  When a hook.cgi process appears (a request has begun),
# toss a coin; on heads wait a random 0..L ms and SIGKILL it if it is
# still running, on tails let it finish.  L is 1.25 times the average
# lifetime of the requests let finish (2..60 ms), so the kill instants
# spread evenly over a request's whole course whatever the machine's
# speed, and about one request in three dies.  Until WANT kills have
# landed or LIMIT seconds have passed.
cgi_killer() {
	local want=$1 end=$((SECONDS + $2)) kills=0 nap kids k c p st t0 life
	local avg=10000 d	# microseconds
	rm -f "$T/nap"
	mkfifo "$T/nap" || yh_die "mkfifo failed"
	exec {nap}<>"$T/nap"	# read -t on it: a sleep without a fork
	while [ "$kills" -lt "$want" ] && [ "$SECONDS" -lt "$end" ]; do
		kids=""
		read -r kids <"/proc/$YH_LT_PID/task/$YH_LT_PID/children" || true
		p=""
		for k in $kids; do
			c=""
			read -r c 2>/dev/null <"/proc/$k/comm" || continue
			if [ "$c" = hook.cgi ]; then
				p=$k
				break
			fi
		done
		if [ -z "$p" ]; then
			read -rt 0.001 -u "$nap"
			continue
		fi
		t0=${EPOCHREALTIME/./}
		if [ $((RANDOM % 2)) -eq 0 ]; then
			d=$(((RANDOM * 32768 + RANDOM) % (avg * 5 / 4 + 1)))
			printf -v d '%d.%06d' $((d / 1000000)) $((d % 1000000))
			read -rt "$d" -u "$nap"
			st=""
			read -r st 2>/dev/null <"/proc/$p/stat" || true
			st=${st##*) }
			case ${st%% *} in
			R | S | D)
				if kill -9 "$p" 2>/dev/null; then
					printf 'cgi %s %d\n' "$p" $((${EPOCHREALTIME/./} - t0)) >>"$T/kills"
					kills=$((kills + 1))
				fi
				;;
			esac
		fi
		# Wait for it to end (or be reaped); learn how long requests take.
		while [ "$SECONDS" -lt "$end" ]; do
			st=""
			read -r st 2>/dev/null <"/proc/$p/stat" || break
			st=${st##*) }
			case ${st%% *} in R | S | D) ;; *) break ;; esac
			read -rt 0.001 -u "$nap"
		done
		life=$((${EPOCHREALTIME/./} - t0))
		if [ "$life" -gt 0 ] && ! grep -q "^cgi $p " "$T/kills"; then
			avg=$(((avg * 7 + life) / 8))
			[ "$avg" -ge 2000 ] || avg=2000
			[ "$avg" -le 60000 ] || avg=60000
		fi
	done
	exec {nap}<&-
}

# The killer otherwise: sleep 0-30 ms, then SIGKILL a yespo-hook process of our
# lighttpd (a child of $YH_LT_PID with the command name $1, not a zombie),
# until $2 kills have landed or $3 seconds have passed.  CGI: every such
# process is inside a request.  FastCGI: one worker a time (lighttpd
# respawns it), three kills in four aimed at a busy one (running or in
# disk sleep), the rest at any.  One line a kill in $T/kills.
killer() {
	local name=$1 want=$2 kills=0 end=$((SECONDS + $3)) pids p aim
	local -a all
	if [ "$name" = hook.cgi ] && [ -r "/proc/$YH_LT_PID/task/$YH_LT_PID/children" ]; then
		cgi_killer "$want" "$3"
		return
	fi
	while [ "$kills" -lt "$want" ] && [ "$SECONDS" -lt "$end" ]; do
		sleep "$(printf '0.%03d' $((RANDOM % 31)))"
		if [ "$name" = hook.cgi ]; then
			pids=$(pkill -9 -e -P "$YH_LT_PID" -x "$name" -r R,S,D 2>/dev/null |
				sed -n 's/.*(pid \([0-9]*\)).*/\1/p')
			for p in $pids; do
				printf 'cgi %s\n' "$p" >>"$T/kills"
				kills=$((kills + 1))
			done
			continue
		fi
		# Three times in four only a busy worker will do; else any.
		aim=busy
		if [ $((RANDOM % 4)) -eq 0 ]; then
			aim=any
			mapfile -t all < <(pgrep -P "$YH_LT_PID" -x "$name" -r R,S,D)
		else
			mapfile -t all < <(pgrep -P "$YH_LT_PID" -x "$name" -r R,D)
		fi
		[ "${#all[@]}" -gt 0 ] || continue
		p=${all[RANDOM % ${#all[@]}]}
		if kill -9 "$p" 2>/dev/null; then
			printf 'fastcgi %s %s\n' "$p" "$aim" >>"$T/kills"
			kills=$((kills + 1))
		fi
	done
}

# One phase: lighttpd in MODE, driver and killer until the killer is done.
# phase MODE NAME KILLS
phase() {
	local mode=$1 name=$2 want=$3 next dpid kpid t0 got
	next=$(cat "$T/drv/next" 2>/dev/null || echo 0)
	ys_lt_start "$mode" 4
	rm -f "$T/stop"
	t0=$SECONDS
	driver "$next" &
	dpid=$!
	yh_track_pid "$dpid"
	killer "$name" "$want" "$PHASE_LIMIT" &
	kpid=$!
	yh_track_pid "$kpid"
	YH_EXTRA_PIDS="$dpid $kpid"
	wait "$kpid"
	touch "$T/stop"
	wait "$dpid" || yh_fail "$mode: the driver gave up: $(cat "$T/drv/failed" 2>/dev/null)"
	yh_untrack_pid "$dpid"
	yh_untrack_pid "$kpid"
	YH_EXTRA_PIDS=""
	yh_lt_stop
	# The handler's own complaints (its stderr goes to lighttpd's log).
	grep 'yespo-hook' "$YH_LT_LOG" >>"$T/handler.log" 2>/dev/null
	if [ -s "$T/drv/failed" ]; then
		printf '%s: the handler said (last lines):\n' "$YH_NAME" >&2
		tail -n 8 "$T/handler.log" | cut -c1-300 | sed 's/^/    /' >&2
	fi
	got=$(grep -c "^$mode " "$T/kills")
	printf '%s: %s phase: %d kills in %d s; %d requests failed (%s) and were resent; batches %d..%d acknowledged\n' \
		"$YH_NAME" "$mode" "$got" $((SECONDS - t0)) "$(wc -l <"$T/refused")" \
		"$(cut -d' ' -f1 "$T/refused" | sort | uniq -c | awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 }')" \
		"$next" $(($(cat "$T/drv/next") - 1))
	cat "$T/refused" >>"$T/refused.all"
	: >"$T/refused"
	[ "$got" -ge "$want" ] ||
		yh_fail "$mode: only $got of $want kills landed within $PHASE_LIMIT s"
}

phase cgi hook.cgi "$CGI_KILLS"
phase fastcgi yespo-hook "$FCGI_KILLS"

# No killer, no writer: one more batch through the server, so that a
# writer repairs what the last kill left, then check everything.
ys_lt_start fastcgi 4
last=$(cat "$T/drv/next")
make_batch "$last" "$T/drv/batch.json"
yh_post_file "$BASE$HOOK" "$T/drv/batch.json"
yh_expect_code 200 "the fault-free batch $last" &&
	printf '%d 1 %s\n' "$last" "$(cat "$T/resp.body")" >>"$T/acked"
yh_lt_stop

# Every batch 0..last was acknowledged, in order, each answer whole.
nacked=$(wc -l <"$T/acked")
awk -v b="$B" -v ov="$OV" '
	{
		n = $1; a = $3
		if (n != NR - 1) { printf "batch %d acknowledged out of order\n", n; exit }
		size = n == 0 ? b : b + ov
		if (!match(a, /"received":[0-9]+,"stored":[0-9]+,"duplicates":[0-9]+,"quarantined":0}/)) {
			printf "batch %d: answer %s\n", n, a; next
		}
		split(a, f, /[:,}]/)
		r = f[2] + 0; s = f[4] + 0; d = f[6] + 0
		if (r != size || s + d != r || s > b || d < (n == 0 ? 0 : ov))
			printf "batch %d of %d events: answer %s\n", n, size, a
		else if ($2 == 1 && d != (n == 0 ? 0 : ov))
			printf "batch %d, answered at the first attempt, found %d duplicates, not %d: %s\n", n, d, ov, a
	}' "$T/acked" >"$T/ack.problems"
if [ -s "$T/ack.problems" ]; then
	yh_fail "unexpected answers ($(wc -l <"$T/ack.problems")), e.g.:"
	head -n 5 "$T/ack.problems" | sed 's/^/    /' >&2
fi
events=$(((last + 1) * B))
{
	awk -v last="$last" '{ ev[NR] = $0 }
		END { for (n = 0; n <= last; n++) for (i = 1; i <= NR; i++) { l = ev[i]; sub(/@N@/, n, l); print l } }' \
		"$T/new"
	cat "$T/old.events"
} | LC_ALL=C sort >"$T/want"
bad=$(ys_malformed_of "$SPOOL")
[ "$bad" -eq 0 ] || yh_fail "$bad archive lines are not whole events"
ys_events_of "$SPOOL" >"$T/got"
ys_compare "$T/want" "$T/got" "after $nacked acknowledged batches"
q=$(find "$SPOOL/quarantine" -type f 2>/dev/null | wc -l)
[ "$q" -eq 0 ] || yh_fail "$q files in quarantine; nothing was bad input"
ys_check_views "$CONF" "$CSV" "after the kills"
gz=$(find "$SPOOL/archive" -name '*.jsonl.gz' | wc -l)
[ "$gz" -ge 1 ] || yh_fail "no old day was compressed during the kills"

kills=$(wc -l <"$T/kills")
refused=$(wc -l <"$T/refused.all")
# Batches whose 200 answer counts fewer than all of their new events as
# stored: a killed attempt had stored them (all, or the whole lines of a
# torn append); the resend found them as duplicates.
partly=$(awk -v b="$B" '{ split($3, f, /[:,}]/); if (f[4] + 0 != b) n++ } END { print n + 0 }' "$T/acked")
torn=$(awk -v b="$B" '{ split($3, f, /[:,}]/); if (f[4] + 0 != b && f[4] + 0 != 0) n++ } END { print n + 0 }' "$T/acked")
printf 'crash: %d kills survived (%d CGI, %d FastCGI of which %d aimed at a busy worker; %d requests failed and were resent), %d batches acknowledged (%d already stored by a killed attempt, %d of them in part), %d events; %d of %d old days compressed meanwhile; lost %d, doubled %d (%d s)\n' \
	"$kills" "$(grep -c '^cgi ' "$T/kills")" "$(grep -c '^fastcgi ' "$T/kills")" \
	"$(grep -c '^fastcgi .* busy$' "$T/kills")" "$refused" "$nacked" "$partly" "$torn" \
	"$events" "$gz" "$OLD_DAYS" "$YS_LOST" $((YS_DOUBLED + YS_EXTRA)) $(($(date +%s) - started))
yh_finish
