#!/bin/sh
# conf/feed-postgresql.sh CONSUMER [PSQL OPTION...]
#
# One round of a loader that feeds every archived event, exactly once, into
# the PostgreSQL table yespo_feed of conf/schema.sql: take the events after
# the consumer's committed offset (yespo-hook --tail), store them in one
# transaction that skips events already there (by their event key), then
# commit the offset (yespo-hook --ack).  Killed at any point, the next round
# hands out the same events again and the table takes each one once.
# YESPO_HOOK (default: yespo-hook on PATH) and YESPO_HOOK_CONFIG as for the
# binary.  Run it from cron, or as on_commit.
#
#     */5 * * * * conf/feed-postgresql.sh warehouse -d yespo
set -eu

if [ $# -lt 1 ]; then
	echo "usage: $0 CONSUMER [PSQL OPTION...]" >&2
	exit 2
fi
name=$1
shift
hook=${YESPO_HOOK:-yespo-hook}
# One batch of at most this many events per round.
max=${FEED_MAX_EVENTS:-50000}
batch=${TMPDIR:-/tmp}/yespo-hook-feed.$name.jsonl

"$hook" --tail --consumer "$name" --max-events "$max" --format jsonl >"$batch"
if [ -s "$batch" ]; then
	psql -X -q -1 -v ON_ERROR_STOP=1 "$@" \
		-c "CREATE TEMP TABLE yh_feed (line text) ON COMMIT DROP" \
		-c "\\copy yh_feed FROM '$batch' WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')" \
		-c "INSERT INTO yespo_feed (line) SELECT line FROM yh_feed ON CONFLICT DO NOTHING"
fi
"$hook" --ack --consumer "$name"
rm -f "$batch"
