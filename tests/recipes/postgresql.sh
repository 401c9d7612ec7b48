#!/usr/bin/env bash
# recipes.postgresql: conf/schema.sql and conf/load-postgresql.sh, as
# README.md gives them, load a day into a real PostgreSQL (a private
# cluster on a free loopback port, started and stopped here): the archive
# byte for byte (backslashes, \u0000, 21-digit ids), every CSV row once
# (also when loaded twice), counts per status as in summary.csv.
# shellcheck source=../e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
YH_TEST_TIMEOUT=120
yh_need psql python3
yh_init
yh_recipe_spool

yh_pg_start
psql -X -q -v ON_ERROR_STOP=1 "${PGOPT[@]}" -d yespo -f "$YH_SRC/conf/schema.sql" ||
	yh_die "conf/schema.sql failed"
load() {
	"$YH_SRC/conf/load-postgresql.sh" "$DAY" "$SPOOL" "$CSV" "${PGOPT[@]}" -d yespo \
		2>"$T/load.err" || yh_die "load-postgresql.sh failed: $(cat "$T/load.err")"
}

load
load	# a day loaded again replaces its rows

# The archive, line for line and byte for byte.
q "SELECT line FROM yespo_archive WHERE day = '$DAY'" | LC_ALL=C sort >"$T/pg.lines"
LC_ALL=C sort "$SPOOL/archive/$DAY.jsonl" >"$T/file.lines"
cmp -s "$T/pg.lines" "$T/file.lines" ||
	yh_fail "yespo_archive differs from the archive: $(diff "$T/file.lines" "$T/pg.lines" | head -n 4)"

want=$(yh_summary_total)
for t in yespo_csv yespo_events; do
	got=$(q "SELECT count(*) FROM $t WHERE day = '$DAY'")
	[ "$got" = "$want" ] || yh_fail "$t holds $got rows; summary.csv counts $want"
done
for s in DELIVERED UNDELIVERED SUBSCRIPTION_CHANGED; do
	want=$(yh_summary_total "$s")
	got=$(q "SELECT count(*) FROM yespo_csv WHERE \"activityStatus\" = '$s'")
	[ "$got" = "$want" ] || yh_fail "$s: $got CSV rows in PostgreSQL, $want in summary.csv"
	got=$(q "SELECT count(*) FROM yespo_events WHERE activity_status = '$s'")
	[ "$got" = "$want" ] || yh_fail "$s: $got archived events in PostgreSQL, $want in summary.csv"
done

got=$(q "SELECT \"contactId\" FROM yespo_csv WHERE iid = 'edge-0001'")
[ "$got" = "123456789012345678901" ] || yh_fail "the CSV's 21-digit contactId came out as '$got'"
got=$(q "SELECT contact_id FROM yespo_events WHERE iid = 'edge-0001'")
[ "$got" = "123456789012345678901" ] || yh_fail "the archive's 21-digit contactId came out as '$got'"
got=$(q "SELECT sms FROM yespo_events WHERE iid = 'edge-0002'")
[ "$got" = "380000000001" ] || yh_fail "the phone number came out as '$got'"
got=$(q "SELECT message_name FROM yespo_events WHERE iid = 'edge-0004'")
[ "$got" = "nulbyte / slash" ] || yh_fail "the view gave '$got' for a messageName holding \\u0000"
yh_finish
