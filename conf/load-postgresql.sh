#!/bin/sh
# conf/load-postgresql.sh DAY SPOOL_DIR CSV_DIR [PSQL OPTION...]
#
# Load one receipt day of yespo-hook's files into PostgreSQL, into the
# tables of conf/schema.sql: the archive (plain or .gz) into yespo_archive,
# the day's STATUS.csv files into yespo_csv.  One transaction; the day's
# rows are replaced, so loading a day again does not double it.  Load a day
# once it is closed (the next day has begun), or load it again later.
# PSQL OPTION...: how to reach the database, e.g. -d yespo -h 127.0.0.1.
#
#     conf/load-postgresql.sh 2026-11-27 /srv/yespo-hook/spool \
#         /var/www/yespo-hook/csv -d yespo
set -eu

if [ $# -lt 3 ]; then
	echo "usage: $0 DAY SPOOL_DIR CSV_DIR [PSQL OPTION...]" >&2
	exit 2
fi
day=$1 spool=$2 csv=$3
shift 3
case $day in
[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) ;;
*) echo "$0: $day: not a day (YYYY-MM-DD)" >&2; exit 2 ;;
esac

arc=$spool/archive/$day.jsonl
if [ -f "$arc" ]; then
	read_archive() { cat "$arc"; }
elif [ -f "$arc.gz" ]; then
	read_archive() { gzip -dc "$arc.gz"; }
else
	echo "$0: no archive for $day in $spool/archive" >&2
	exit 1
fi

# One \copy per STATUS file; summary.csv has other columns.
set --  "$@" -c "DELETE FROM yespo_csv WHERE day = '$day'" \
	-c "CREATE TEMP TABLE yh_csv ON COMMIT DROP AS SELECT * FROM yespo_csv WITH NO DATA" \
	-c "ALTER TABLE yh_csv DROP COLUMN day"
for f in "$csv/$day"/*.csv; do
	[ -f "$f" ] || continue
	[ "${f##*/}" = summary.csv ] && continue
	case $f in
	*"'"*) echo "$0: $f: a quote in the path; rename the folder" >&2; exit 1 ;;
	esac
	set -- "$@" -c "\\copy yh_csv FROM '$f' WITH (FORMAT csv, HEADER true)"
done

# The archive as CSV with quote and delimiter bytes that JSON text never
# holds, so every line arrives whole and no backslash is eaten.
read_archive | psql -X -q -1 -v ON_ERROR_STOP=1 "$@" \
	-c "INSERT INTO yespo_csv SELECT *, '$day' FROM yh_csv" \
	-c "DELETE FROM yespo_archive WHERE day = '$day'" \
	-c "CREATE TEMP TABLE yh_lines (line text) ON COMMIT DROP" \
	-c "\\copy yh_lines FROM pstdin WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')" \
	-c "INSERT INTO yespo_archive (day, line) SELECT '$day', line FROM yh_lines"
