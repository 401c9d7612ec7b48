-- conf/schema.sql: PostgreSQL tables for yespo-hook's files.
--
--     psql -d DB -f conf/schema.sql
--
-- Three ways in: yespo_archive and yespo_csv are loaded a day at a time
-- (conf/load-postgresql.sh); yespo_feed is fed continuously, each event
-- exactly once, by a consumer (conf/feed-postgresql.sh):
--
--   yespo_archive  the archive, one row per event, exact: the line as text
--                  and as json.  json, not jsonb: jsonb rejects \u0000 and
--                  reorders members; json keeps every byte and still gives
--                  ->> and json_populate_record.
--   yespo_feed     every archived event once: the line as text, unique,
--                  so a loader that hands in events again after a crash
--                  adds nothing.
--   yespo_csv      the per-status CSV files as they are, every column text:
--                  ids past 2^63 (contactId can have 21 digits) abort a
--                  bigint COPY, phones and ids keep their leading zeros,
--                  and Yespo's types drift.  Cast in queries, not on load.
--
-- Load the CSV files written with csv_formula_guard = false, or strip the
-- guard's leading ' in queries (see yespo-hook(8), CSV files).

CREATE TABLE IF NOT EXISTS yespo_archive (
	day	date NOT NULL,	-- the receipt day: the archive file's name
	line	text NOT NULL,	-- byte-exact, "_receivedAt" last
	doc	json GENERATED ALWAYS AS (line::json) STORED
);
CREATE INDEX IF NOT EXISTS yespo_archive_day ON yespo_archive (day);

-- Each event is archived once, under its event key (yespo-hook(8)), so
-- its archive line is its identity here; hashing the text, not parsing
-- it, also means no odd escape (\u0000, a lone surrogate) can ever stop
-- the feed.
CREATE TABLE IF NOT EXISTS yespo_feed (
	line		text NOT NULL,
	line_key	text GENERATED ALWAYS AS (md5(line)) STORED UNIQUE,
	loaded_at	timestamptz NOT NULL DEFAULT now()
);

-- The members as text columns.  Numbers come out of ->> with every digit.
-- PostgreSQL cannot turn a \u0000 escape into text, so the view drops it
-- (an escape is a backslash preceded by an even number of backslashes), as
-- the CSV files do; yespo_archive.line keeps it.
CREATE OR REPLACE VIEW yespo_events AS
SELECT	day,
	(doc->>'_receivedAt')::timestamptz	AS received_at,
	doc->>'activityDateTime'		AS activity_date_time,	-- local time of Yespo's account, no zone
	doc->>'activityStatus'			AS activity_status,
	doc->>'mediaType'			AS media_type,
	doc->>'contactId'			AS contact_id,
	doc->>'externalCustomerId'		AS external_customer_id,
	doc->>'email'				AS email,
	doc->>'sms'				AS sms,
	doc->>'messageId'			AS message_id,
	doc->>'messageName'			AS message_name,
	doc->>'clickEventLink'			AS click_event_link,
	doc->>'iid'				AS iid,
	doc
FROM	(SELECT day, regexp_replace(line, '(?<!\\)((?:\\\\)*)\\u0000', '\1', 'g')::json AS doc
	 FROM yespo_archive) AS a;

CREATE TABLE IF NOT EXISTS yespo_csv (
	"receivedAt"		text,	-- UTC, YYYY-MM-DDTHH:MM:SSZ
	"activityDateTime"	text,	-- as Yespo sends it, no zone
	"activityStatus"	text,
	"mediaType"		text,
	"contactId"		text,	-- an id: numeric or text, never bigint
	"externalCustomerId"	text,
	"email"			text,
	"sms"			text,	-- a phone number: text
	"viber"			text,
	"webpush"		text,
	"mobilepush"		text,
	"from"			text,
	"messageId"		text,
	"messageInstanceId"	text,
	"messageName"		text,
	"messageTag"		text,
	"messageLanguageCode"	text,
	"broadcastId"		text,
	"workflowId"		text,
	"workflowBlockId"	text,
	"workflowInstanceId"	text,
	"sourceEventId"		text,
	"sourceEventKey"	text,
	"sourceEventTypeKey"	text,
	"clickEventLink"	text,
	"viewMessageLink"	text,
	"hardBounce"		text,	-- true / false
	"statusDescription"	text,
	"statusData"		text,	-- compact JSON
	"subscription"		text,	-- compact JSON
	"subscriptions"		text,	-- compact JSON
	"osName"		text,
	"osType"		text,
	"iid"			text,
	"extra"			text,	-- other members, one compact JSON object
	day			date	-- the receipt day: the CSV folder's name
);
CREATE INDEX IF NOT EXISTS yespo_csv_day ON yespo_csv (day);
