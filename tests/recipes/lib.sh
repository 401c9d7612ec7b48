# shellcheck shell=bash
# tests/recipes/lib.sh: a spool to load, for the database recipes of
# README.md (conf/schema.sql, conf/load-*.sh).  Sourced after
# tests/e2e/lib.sh and yh_init.
#
#   yh_recipe_spool   ingest the fixtures and tests/data/edge.json (21-digit
#                     contactId, 12-digit phone, Cyrillic and emoji text,
#                     backslashes, \u0000, formula-looking cells, an OTHER
#                     status); sets $DAY, the receipt day
#   yh_summary_total [STATUS]   events of summary.csv (of one STATUS)
#   yh_pg_start       a private PostgreSQL cluster on a free loopback port
#                     (as postgres when run as root), database yespo made,
#                     stopped on exit; sets PGOPT (psql's connection
#                     options); q SQL prints a query's result

yh_recipe_spool() {
	local f
	yh_write_conf "allow_anonymous = true;"
	for f in bulk-campaign.json triggered-campaign.json edge.json; do
		"$YH_BIN" --ingest --config "$CONF" "$YH_DATA/$f" >/dev/null 2>"$T/ingest.err" ||
			yh_die "--ingest $f failed: $(cat "$T/ingest.err")"
	done
	DAY=$(cd "$CSV" && ls)
	[ -f "$SPOOL/archive/$DAY.jsonl" ] || yh_die "no archive for $DAY"
}

yh_summary_total() {
	python3 - "$CSV/$DAY/summary.csv" "${1:-}" <<'PY'
import csv, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    rows = list(csv.DictReader(f))
print(sum(int(r['events']) for r in rows
          if not sys.argv[2] or r['activityStatus'] == sys.argv[2]))
PY
}

yh_pg_start() {
	local pgbin
	pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -x "$pgbin/initdb" ] || yh_skip "PostgreSQL's server (initdb) is not installed"
	PGBIN=$pgbin
	PGDATA=$T/pg
	mkdir -m 0700 "$PGDATA"
	# The server refuses to run as root: as root, it runs as postgres.
	as_pg() { "$@"; }
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || yh_skip "running as root and there is no postgres user"
		chown postgres "$PGDATA"
		chmod 0711 "$T"
		as_pg() { runuser -u postgres -- "$@"; }
	fi
	as_pg "$PGBIN/initdb" -D "$PGDATA" -U yh --auth=trust -E UTF8 --locale=C.UTF-8 \
		>"$T/initdb.log" 2>&1 || yh_die "initdb failed: $(tail -n 5 "$T/initdb.log")"
	# A free port can be taken by another test's server meanwhile: try again.
	for _ in 1 2 3 4 5; do
		PGPORT_=$(yh_pick_port)
		as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
			-o "-c listen_addresses=127.0.0.1 -p $PGPORT_ -k $PGDATA" start \
			>"$T/pg_ctl.log" 2>&1 && break
		PGPORT_=""
	done
	[ -n "$PGPORT_" ] ||
		yh_die "the PostgreSQL server did not start: $(tail -n 5 "$PGDATA/server.log" 2>/dev/null)"
	# yh_cleanup exits with the status it was entered with: keep the test's.
	trap 'rc=$?; as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1; (exit $rc); yh_cleanup' EXIT
	PGOPT=(-h 127.0.0.1 -p "$PGPORT_" -U yh)
	psql -X -q "${PGOPT[@]}" -d postgres -c "CREATE DATABASE yespo" ||
		yh_die "CREATE DATABASE failed"
}

q() { psql -X -A -t -v ON_ERROR_STOP=1 "${PGOPT[@]}" -d yespo -c "$1"; }
