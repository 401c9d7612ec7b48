#!/usr/bin/env bash
# recipes.feed_postgresql: conf/feed-postgresql.sh, a loader on a consumer
# (--tail, one transaction, --ack), runs in a loop into a real PostgreSQL
# while batches keep arriving over HTTP (lighttpd, FastCGI), and is killed
# with kill -9 at random points at least 50 times: before, during and after
# its COPY and its ack.  In the end yespo_feed holds every archived event
# exactly once: as many rows as archive lines, the same lines, as many
# event keys as rows.
# shellcheck source=../e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
YH_TEST_TIMEOUT=300
KILLS=${YH_FEED_KILLS:-50}
yh_need psql curl setsid
yh_need_lighttpd
yh_init
yh_std_conf
yh_lt_start fastcgi
yh_pg_start
psql -X -q -v ON_ERROR_STOP=1 "${PGOPT[@]}" -d yespo -f "$YH_SRC/conf/schema.sql" ||
	yh_die "conf/schema.sql failed"
export YESPO_HOOK=$YH_BIN YESPO_HOOK_CONFIG=$CONF TMPDIR=$T/tmp FEED_MAX_EVENTS=200

# The sender: batches of 20 new events, one after another, at least 80 and
# on until the loaders have been killed often enough, so that every kill
# lands on a loader with events to load (an idle round takes a few ms).
send() {
	local b=0 i
	while [ "$b" -lt 80 ] || [ ! -e "$T/stop.sending" ]; do
		b=$((b + 1))
		{
			printf '['
			for i in $(seq 1 20); do
				[ "$i" -gt 1 ] && printf ','
				printf '{"iid":"feed-%d-%d","activityStatus":"DELIVERED","mediaType":"email","activityDateTime":"2026-01-01T00:00:%02d","messageName":"back\\\\slash \\u0000 \\"q\\""}' \
					"$b" "$i" "$((i % 60))"
			done
			printf ']'
		} >"$T/batch.json"
		curl -sS -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' \
			--data-binary "@$T/batch.json" "$BASE$HOOK?token=$YH_TOKEN" >>"$T/sent.codes"
		[ "$b" -le 2000 ] || break
		# About one batch per loader round, so each round has events to load.
		sleep 0.1
	done
	touch "$T/sent.done"
}
send &
YH_EXTRA_PIDS="$YH_EXTRA_PIDS $!"

# The loader as cron would run it: a command of its own.
printf '#!/bin/sh\nexec %q feed %s -d yespo\n' "$YH_SRC/conf/feed-postgresql.sh" \
	"${PGOPT[*]}" >"$T/loader"
chmod +x "$T/loader"
loader() { "$T/loader"; }

kills=0 rounds=0
while [ "$kills" -lt "$KILLS" ] || [ ! -e "$T/sent.done" ]; do
	rounds=$((rounds + 1))
	[ "$rounds" -le 2000 ] || yh_die "no end after $rounds rounds ($kills kills)"
	setsid "$T/loader" >/dev/null 2>>"$T/loader.err" &
	pid=$!
	# Somewhere in 0..250 ms: before, in or after the COPY or the ack.
	sleep "0.$(printf '%03d' $((RANDOM % 250)))"
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 -- "-$pid" 2>/dev/null && kills=$((kills + 1))
	fi
	wait "$pid" 2>/dev/null
	[ "$kills" -lt "$KILLS" ] || touch "$T/stop.sending"
done
say "$kills loaders killed in $rounds rounds"

# Once the sender is done, rounds to the end.
for _ in $(seq 1 500); do
	loader 2>>"$T/loader.err" || yh_die "the loader failed: $(tail -n 3 "$T/loader.err")"
	lag=$("$YH_BIN" --consumers --config "$CONF" | awk -F '\t' '$1 == "feed" { print $3 }')
	[ "$lag" = 0 ] && break
done
[ "$lag" = 0 ] || yh_fail "consumer feed still lags by $lag events"

grep -v '^200$' "$T/sent.codes" | head -n 3 | grep -q . &&
	yh_fail "the sender got answers other than 200: $(sort "$T/sent.codes" | uniq -c)"
cat "$SPOOL"/archive/*.jsonl | LC_ALL=C sort >"$T/archive.lines"
q "SELECT line FROM yespo_feed" | LC_ALL=C sort >"$T/feed.lines"
want=$(wc -l <"$T/archive.lines")
got=$(wc -l <"$T/feed.lines")
sent=$(($(wc -l <"$T/sent.codes") * 20))
[ "$want" = "$sent" ] || yh_fail "the archive holds $want events, not the $sent sent"
[ "$got" = "$want" ] || yh_fail "yespo_feed holds $got rows for $want archived events"
cmp -s "$T/archive.lines" "$T/feed.lines" ||
	yh_fail "yespo_feed differs from the archive: $(diff "$T/archive.lines" "$T/feed.lines" | head -n 4)"
# The event key (iid, activityStatus, activityDateTime, clickEventLink).
got=$(q "SELECT count(DISTINCT (substring(line from '\"iid\":\"([^\"]*)\"'),
	substring(line from '\"activityDateTime\":\"([^\"]*)\"'))) FROM yespo_feed")
[ "$got" = "$want" ] || yh_fail "$got distinct event keys for $want rows"
yh_finish
