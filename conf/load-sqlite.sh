#!/bin/sh
# conf/load-sqlite.sh DAY CSV_DIR DATABASE
#
# Load one receipt day's STATUS.csv files into the SQLite table yespo_csv
# (made when missing: the CSV columns, every one TEXT so that ids and phone
# numbers keep every digit and leading zero, plus day).  The day's rows are
# replaced, so loading a day again does not double it.
#
#     conf/load-sqlite.sh 2026-11-27 /var/www/yespo-hook/csv yespo.db
set -eu

if [ $# -ne 3 ]; then
	echo "usage: $0 DAY CSV_DIR DATABASE" >&2
	exit 2
fi
day=$1 csv=$2 db=$3
case $day in
[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) ;;
*) echo "$0: $day: not a day (YYYY-MM-DD)" >&2; exit 2 ;;
esac

cols='receivedAt,activityDateTime,activityStatus,mediaType,contactId,externalCustomerId,email,sms,viber,webpush,mobilepush,"from",messageId,messageInstanceId,messageName,messageTag,messageLanguageCode,broadcastId,workflowId,workflowBlockId,workflowInstanceId,sourceEventId,sourceEventKey,sourceEventTypeKey,clickEventLink,viewMessageLink,hardBounce,statusDescription,statusData,subscription,subscriptions,osName,osType,iid,extra'
typed=$(printf '%s' "$cols" | sed 's/,/ TEXT,/g; s/$/ TEXT/')

# --skip 1: into an existing table .import would take the header as a row.
imports=
for f in "$csv/$day"/*.csv; do
	[ -f "$f" ] || continue
	[ "${f##*/}" = summary.csv ] && continue
	case $f in
	*'"'*|*' '*) echo "$0: $f: a quote or space in the path; rename the folder" >&2; exit 1 ;;
	esac
	imports="$imports.import --csv --skip 1 $f yh_csv
"
done
if [ -z "$imports" ]; then
	echo "$0: no CSV files for $day in $csv" >&2
	exit 1
fi

sqlite3 -bail "$db" <<SQL
BEGIN;
CREATE TABLE IF NOT EXISTS yespo_csv ($typed, day TEXT);
CREATE TEMP TABLE yh_csv ($typed);
$imports
DELETE FROM yespo_csv WHERE day = '$day';
INSERT INTO yespo_csv SELECT *, '$day' FROM yh_csv;
COMMIT;
SQL
