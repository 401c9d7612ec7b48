#!/usr/bin/env bash
# archive_compress_off: with archive_compress = false, a closed archive
# day (five days old, by hand) stays plain after a batch's answer.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=days_lib.sh
. "$(dirname "$0")/days_lib.sh"
yh_init
yh_write_conf 'allow_anonymous = true;' 'archive_compress = false;'

rebuilt_old_day 10 5 old
touch -d '2 minutes ago' "$CSV/index.html"
new_batch "$T/today.json" t 2
cgi_post "$T/today.json"
[ "$CODE" = 200 ] || yh_die "the batch was answered $CODE"
[ -f "$SPOOL/archive/$old.jsonl" ] || yh_fail "the closed day is no longer plain"
[ ! -e "$SPOOL/archive/$old.jsonl.gz" ] || yh_fail "the closed day was compressed"
yh_finish
