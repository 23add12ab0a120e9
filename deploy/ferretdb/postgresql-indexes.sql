-- Indexes FerretDB v1 does not make for itself, for tintot on FerretDB over PostgreSQL.
--
-- FerretDB v1 looks a document up by _id with `_jsonb->'_id' @> $value`, which its own
-- (btree) _id index cannot answer: without these, every update, upsert and _id read scans
-- the whole table, so writing a poll's posts costs as much as the posts already stored
-- (measured with 3,300 units: 50 posts/s and falling; with them, ~500 posts/s, flat).
-- Counting a day's posts (`local_day` equal to a day) is answered the same way.
--
-- Run once after tintot's first start (it creates every collection then), and again
-- after an upgrade that adds collections; it is idempotent:
--   psql "postgres://ferretdb@HOST:5432/ferretdb" -v db=tintot -f deploy/ferretdb/postgresql-indexes.sql
-- `db` is the MongoDB database name in TINTOT_DATABASE_URL (tintot by default): FerretDB
-- keeps each database in the PostgreSQL schema of the same name.
SELECT set_config('tintot.schema', :'db', false);
DO $$
DECLARE
	r record;
BEGIN
	FOR r IN
		SELECT n.nspname, c.relname
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = 'r' AND n.nspname = current_setting('tintot.schema')
		  AND c.relname NOT LIKE '\_ferretdb%'
	LOOP
		EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb->''_id'') jsonb_path_ops)',
			left(r.relname, 50) || '_id_gin', r.nspname, r.relname);
		-- Posts are counted one local day at a time on FerretDB (store/mongo countParts).
		IF r.relname LIKE 'posts\_%' THEN
			EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb->''local_day'') jsonb_path_ops)',
				left(r.relname, 50) || '_day_gin', r.nspname, r.relname);
		END IF;
	END LOOP;
END
$$;
