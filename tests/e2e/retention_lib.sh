# Shared by the retention tests: a spool with archive days 10, 8 and 2
# days old (5 events each, by hand, taken in by --rebuild), retention_days
# = 3 over a dedup window of 2.
# shellcheck shell=bash
# shellcheck source=days_lib.sh
. "$(dirname "$0")/days_lib.sh"

d10=$(days_ago 10)
d8=$(days_ago 8)
d2=$(days_ago 2)
today=$(date -u +%F)

retention_spool() {
	yh_write_conf 'allow_anonymous = true;' 'dedup_window_days = 2;' 'retention_days = 3;'
	mkdir -p "$SPOOL/archive"
	old_day "$SPOOL" "$d10" 5 d10
	old_day "$SPOOL" "$d8" 5 d8
	old_day "$SPOOL" "$d2" 5 d2
	"$YH_BIN" --rebuild --config "$CONF" >/dev/null 2>"$T/err" || yh_die "--rebuild: $(cat "$T/err")"
	new_batch "$T/today.json" t 5
}

# has_day DAY: whether the archive holds DAY in either form.
has_day() { [ -e "$SPOOL/archive/$1.jsonl" ] || [ -e "$SPOOL/archive/$1.jsonl.gz" ]; }
