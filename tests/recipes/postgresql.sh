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
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$PGBIN/initdb" ] || yh_skip "PostgreSQL's server (initdb) is not installed"
yh_init
yh_recipe_spool

# The server refuses to run as root: as root, it runs as postgres.
PGDATA=$T/pg
mkdir -m 0700 "$PGDATA"
as_pg() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
	id postgres >/dev/null 2>&1 || yh_skip "running as root and there is no postgres user"
	chown postgres "$PGDATA"
	chmod 0711 "$T"
	as_pg() { runuser -u postgres -- "$@"; }
fi
as_pg "$PGBIN/initdb" -D "$PGDATA" -U yh --auth=trust -E UTF8 --locale=C.UTF-8 \
	>"$T/initdb.log" 2>&1 || yh_die "initdb failed: $(tail -n 5 "$T/initdb.log")"
PORT=$(yh_pick_port)
as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
	-o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDATA" start >"$T/pg_ctl.log" 2>&1 ||
	yh_die "the PostgreSQL server did not start: $(tail -n 5 "$PGDATA/server.log" 2>/dev/null)"
stop_pg() { as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1; }
# yh_cleanup exits with the status it was entered with: keep the test's.
trap 'rc=$?; stop_pg; (exit $rc); yh_cleanup' EXIT

PGOPT=(-h 127.0.0.1 -p "$PORT" -U yh)
psql -X -q "${PGOPT[@]}" -d postgres -c "CREATE DATABASE yespo" ||
	yh_die "CREATE DATABASE failed"
psql -X -q -v ON_ERROR_STOP=1 "${PGOPT[@]}" -d yespo -f "$YH_SRC/conf/schema.sql" ||
	yh_die "conf/schema.sql failed"
load() {
	"$YH_SRC/conf/load-postgresql.sh" "$DAY" "$SPOOL" "$CSV" "${PGOPT[@]}" -d yespo \
		2>"$T/load.err" || yh_die "load-postgresql.sh failed: $(cat "$T/load.err")"
}
q() { psql -X -A -t -v ON_ERROR_STOP=1 "${PGOPT[@]}" -d yespo -c "$1"; }

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
