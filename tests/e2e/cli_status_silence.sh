#!/usr/bin/env bash
# cli_status_silence: --status prints one JSON object, "status" first, and
# exits 0 while events arrive; with --max-silence it exits 1 and names the
# problem when no event came within that time (none yet, or the last one
# too long ago), and 0 again with a longer window.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf

yh_status
yh_expect_status 0 ok "an empty spool, no --max-silence"
yh_status --max-silence 1h
yh_expect_status 1 unhealthy "an empty spool, --max-silence 1h"
grep -q 'no event received yet' "$T/status.json" || yh_fail "the silence is not named: $(cat "$T/status.json")"

yh_ingest_ok bulk-campaign.json
yh_status --max-silence 1h
yh_expect_status 0 ok "just after a batch"
[ "$(yh_member events_today)" = 4 ] || yh_fail "events_today is $(yh_member events_today), want 4"
case $(yh_member last_received) in
'"'????-??-??T??:??:??Z'"') ;;
*) yh_fail "last_received is $(yh_member last_received)" ;;
esac

# The last event two hours ago.
touch -d '-2 hours' "$SPOOL"/archive/*.jsonl
yh_status --max-silence 1h
yh_expect_status 1 unhealthy "the last event 2 hours ago, --max-silence 1h"
grep -q 'no event received since' "$T/status.json" || yh_fail "the silence is not named: $(cat "$T/status.json")"
yh_status --max-silence 3h
yh_expect_status 0 ok "the last event 2 hours ago, --max-silence 3h"
yh_status --max-silence 1d
yh_expect_status 0 ok "the last event 2 hours ago, --max-silence 1d"
yh_finish
