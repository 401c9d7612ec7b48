#!/usr/bin/env bash
# stress/concurrency: 8 senders post overlapping batches at once, each event
# sent by 2 or 3 of them, to lighttpd with 4 FastCGI workers sharing one
# spool; then 8 concurrent --ingest processes do the same against another
# spool, as root each in a PID namespace of its own (so all have the same
# pid, as writers in containers sharing one volume do).  Each time the totals must be exact (stored = distinct events,
# duplicates = sent - distinct), the archive must hold every event once,
# the CSVs must equal --rebuild's and --verify must pass.
# Usage: concurrency.sh BINARY SOURCE_DIR   (exit 0 pass, 1 fail, 77 skip)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

SENDERS=8
EVENTS=2000	# distinct events
CHUNK=20	# events of an "A" batch; a "B" batch has 30, shifted by 5
YH_TEST_TIMEOUT=${YH_TEST_TIMEOUT:-240}
yh_need_lighttpd
yh_need curl awk
yh_init
yh_write_conf 'allow_anonymous = true;'
started=$(date +%s)

# The data: events 0..EVENTS-1.  Batch A-c holds events CHUNK*c ..
# CHUNK*c+19; batch B-c holds the 30 events from CHUNK*c+5 on (wrapping
# round), so it overlaps A-c, A-c+1, B-c-1 and B-c+1.  A-c goes to sender
# c%8, B-c to sender (c+4)%8: every event is sent by 2 or 3 different
# senders, at about the same moment, since each sender goes through its
# batches in the order of c.
mkdir -p "$T/batches" "$T/senders" "$T/ans" "$T/ing"
ys_gen 0 "$EVENTS" >"$T/events"
LC_ALL=C sort "$T/events" >"$T/want"
[ "$(LC_ALL=C uniq "$T/want" | wc -l)" -eq "$EVENTS" ] || yh_die "the generator repeats events"
awk -v dir="$T" -v chunk="$CHUNK" -v n="$EVENTS" -v senders="$SENDERS" '
	{ ev[NR - 1] = $0 }
	function batch(name, from, len, s,   i, f) {
		f = dir "/batches/" name ".json"
		printf "[" >f
		for (i = 0; i < len; i++)
			printf "%s%s", i ? ",\n" : "", ev[(from + i) % n] >f
		print "]" >f
		close(f)
		print name >(dir "/senders/" s)
		print name, len >(dir "/sizes")
	}
	END {
		for (c = 0; c < n / chunk; c++) {
			batch(sprintf("A-%03d", c), chunk * c, chunk, c % senders)
			batch(sprintf("B-%03d", c), chunk * c + 5, chunk + 10, (c + 4) % senders)
		}
	}' "$T/events"
nbatches=$(wc -l <"$T/sizes")
sent=$(awk '{ s += $2 } END { print s }' "$T/sizes")
# Each event's senders: how many distinct senders post it (at least 2).
awk -v chunk="$CHUNK" -v n="$EVENTS" -v senders="$SENDERS" 'BEGIN {
	for (c = 0; c < n / chunk; c++) {
		for (i = 0; i < chunk; i++) by[(chunk * c + i) % n, c % senders] = 1
		for (i = 0; i < chunk + 10; i++) by[(chunk * c + 5 + i) % n, (c + 4) % senders] = 1
	}
	for (k in by) { split(k, p, SUBSEP); cnt[p[1]]++ }
	min = senders
	for (e = 0; e < n; e++) if (cnt[e] < min) min = cnt[e]
	print min
}' >"$T/minsenders"
[ "$(cat "$T/minsenders")" -ge 2 ] || yh_die "some event is sent by only $(cat "$T/minsenders") sender(s)"

# Sum the counts of the answers in the files given, checking each one
# against its batch's size.  Prints "stored duplicates".
sum_answers() {
	awk -v sizes="$T/sizes" '
		BEGIN { while ((getline l <sizes) > 0) { split(l, p, " "); size[p[1]] = p[2] } }
		function num(what,   r) {
			if (!match($0, "\"" what "\":[0-9]+")) return -1
			return substr($0, RSTART + length(what) + 3, RLENGTH - length(what) - 3) + 0
		}
		FNR == 1 {
			seen++
			b = FILENAME; sub(/.*\//, "", b); sub(/\.json$/, "", b)
			r = num("received"); s = num("stored"); d = num("duplicates"); q = num("quarantined")
			if (r != size[b] || q != 0 || s < 0 || d < 0 || s + d != r)
				printf "batch %s of %d events: answer %s\n", b, size[b], $0 >"/dev/stderr"
			ts += s > 0 ? s : 0; td += d > 0 ? d : 0
		}
		END {
			if (seen != ARGC - 1)
				printf "%d of %d answers are empty\n", ARGC - 1 - seen, ARGC - 1 >"/dev/stderr"
			print ts + 0, td + 0
		}' "$@" 2>"$T/sum.err"
	if [ -s "$T/sum.err" ]; then
		yh_fail "unexpected answers ($(wc -l <"$T/sum.err")), e.g.:"
		head -n 5 "$T/sum.err" | sed 's/^/    /' >&2
	fi
}

# check_totals WHAT STORED DUPS SPOOL CONF CSVDIR
check_totals() {
	local what=$1 stored=$2 dups=$3 spool=$4 conf=$5 csv=$6 bad q
	[ "$stored" -eq "$EVENTS" ] ||
		yh_fail "$what: the answers say $stored events stored; $EVENTS distinct events were sent"
	[ "$dups" -eq $((sent - EVENTS)) ] ||
		yh_fail "$what: the answers say $dups duplicates; $sent sent - $EVENTS distinct = $((sent - EVENTS))"
	bad=$(ys_malformed_of "$spool")
	[ "$bad" -eq 0 ] || yh_fail "$what: $bad archive lines are not whole events"
	ys_events_of "$spool" >"$T/got"
	ys_compare "$T/want" "$T/got" "$what"
	q=$(find "$spool/quarantine" -type f 2>/dev/null | wc -l)
	[ "$q" -eq 0 ] || yh_fail "$what: $q files in quarantine"
	ys_check_views "$conf" "$csv" "$what"
}

# --- Phase 1: HTTP, 8 curl loops against 4 FastCGI workers ---------------
ys_lt_start fastcgi 4
sender() {
	local s=$1 b code n=0
	while [ ! -e "$T/go" ] && [ $n -lt 1000 ]; do
		sleep 0.01
		n=$((n + 1))
	done
	while IFS= read -r b; do
		code=$(curl -sS --noproxy '*' --max-time 60 -H 'Content-Type: application/json' \
			--data-binary "@$T/batches/$b.json" -o "$T/ans/$b.json" -w '%{http_code}' \
			"$BASE$HOOK" 2>>"$T/ans/curl-$s.err") || code=000
		printf '%s %s\n' "$b" "$code" >>"$T/codes"
	done <"$T/senders/$s"
}
pids=""
for s in $(seq 0 $((SENDERS - 1))); do
	sender "$s" &
	pids="$pids $!"
	yh_track_pid "$!"
done
YH_EXTRA_PIDS="$YH_EXTRA_PIDS $pids"
t0=$(date +%s.%N)
touch "$T/go"
for p in $pids; do
	wait "$p" || yh_fail "sender process $p failed"
	yh_untrack_pid "$p"
done
YH_EXTRA_PIDS=""
t1=$(date +%s.%N)
yh_lt_stop

answered=$(wc -l <"$T/codes" 2>/dev/null || echo 0)
[ "$answered" -eq "$nbatches" ] || yh_fail "HTTP: $answered of $nbatches batches were answered"
if awk '$2 != 200 { bad = 1 } END { exit !bad }' "$T/codes"; then
	yh_fail "HTTP: not every batch was answered 200: $(awk '$2 != 200' "$T/codes" | sort | uniq -c -f1 | head -n 5 | tr '\n' ';')"
	cat "$T"/ans/curl-*.err >&2 2>/dev/null
fi
read -r hstored hdups < <(sum_answers "$T"/ans/[AB]-*.json)
check_totals HTTP "$hstored" "$hdups" "$SPOOL" "$CONF" "$CSV"
hlost=$YS_LOST hdoubled=$((YS_DOUBLED + YS_EXTRA))
printf 'concurrency (FastCGI, 4 workers): %d senders, %d batches, %d events sent, %d distinct stored, %d duplicates detected; lost %d, doubled %d (%.1f s)\n' \
	"$SENDERS" "$nbatches" "$sent" "$hstored" "$hdups" "$hlost" "$hdoubled" \
	"$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"

# --- Phase 2: no web server, 8 concurrent --ingest processes -------------
spool2=$T/spool2
conf2=$T/ingest.conf
mkdir -p "$spool2" && chmod 0700 "$spool2"
# summary.csv is compared below: made after every batch
printf 'spool_dir = "%s";\nallow_anonymous = true;\nsummary_refresh_seconds = 0;\n' "$spool2" >"$conf2"
rm -f "$T/go"
ns=() nsnote=""
if [ "$(id -u)" -eq 0 ] && unshare --pid --fork true 2>/dev/null; then
	ns=(unshare --pid --fork)
	nsnote=", each in its own PID namespace"
fi
ingester() {
	local s=$1 n=0 files=()
	while [ ! -e "$T/go" ] && [ $n -lt 1000 ]; do
		sleep 0.01
		n=$((n + 1))
	done
	mapfile -t files < <(sed "s|.*|$T/batches/&.json|" "$T/senders/$s")
	"${ns[@]}" "$YH_BIN" --ingest --config "$conf2" "${files[@]}" >"$T/ing/out-$s" \
		2>"$T/ing/err-$s"
}
pids=""
for s in $(seq 0 $((SENDERS - 1))); do
	ingester "$s" &
	pids="$pids $!"
	yh_track_pid "$!"
done
YH_EXTRA_PIDS="$pids"
t0=$(date +%s.%N)
touch "$T/go"
for p in $pids; do
	wait "$p" || yh_fail "an --ingest process ($p) exited with $?"
	yh_untrack_pid "$p"
done
YH_EXTRA_PIDS=""
t1=$(date +%s.%N)
# --ingest prints one answer a file, in the order given: pair them up.
for s in $(seq 0 $((SENDERS - 1))); do
	[ -s "$T/ing/err-$s" ] && yh_fail "--ingest $s said: $(head -n 3 "$T/ing/err-$s")"
	[ "$(wc -l <"$T/ing/out-$s")" -eq "$(wc -l <"$T/senders/$s")" ] ||
		yh_fail "--ingest $s printed $(wc -l <"$T/ing/out-$s") answers for $(wc -l <"$T/senders/$s") files"
	paste -d ' ' "$T/senders/$s" "$T/ing/out-$s" | while read -r b body; do
		printf '%s' "$body" >"$T/ing/$b.json"
	done
done
read -r istored idups < <(sum_answers "$T"/ing/[AB]-*.json)
check_totals "--ingest" "$istored" "$idups" "$spool2" "$conf2" "$spool2/csv"
ilost=$YS_LOST idoubled=$((YS_DOUBLED + YS_EXTRA))
printf 'concurrency (--ingest%s): %d processes, %d files, %d events sent, %d distinct stored, %d duplicates detected; lost %d, doubled %d (%.1f s)\n' \
	"$nsnote" "$SENDERS" "$nbatches" "$sent" "$istored" "$idups" "$ilost" "$idoubled" \
	"$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
printf 'concurrency: %d senders, %d batches (%d events, %d distinct), twice (HTTP, --ingest); duplicates detected %d + %d; lost %d, doubled %d (%d s in all)\n' \
	"$SENDERS" "$nbatches" "$sent" "$EVENTS" "$hdups" "$idups" $((hlost + ilost)) \
	$((hdoubled + idoubled)) $(($(date +%s) - started))
yh_finish
