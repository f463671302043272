-- The item list's totals from a roll-up instead of counting the matching rows on every page
-- (db/queries/items.ts, listQuery): counting took most of the list's database time (0.5–2 ms for a
-- filter matching 8,000–25,000 of 100,000 items; a department's count read its items' heap pages).
-- Items are counted per (department, kind, status, light, issuer): one row with department NULL for
-- every item, one per department in its department_ids. A total for any mix of those filters, with
-- at most one department, is a sum over a few hundred rows; text search and launch windows still
-- count the rows themselves.
--
-- The same scheme as the standing book (0012): writers only append signed deltas (the old row's
-- contribution out, the new row's in) to items_list_count_deltas, so concurrent projections never
-- wait on a shared counter row; readers sum counts + deltas in the list's own statement (one
-- snapshot with the page), so a total is exact whether or not a compaction ran;
-- items_list_count_compact() folds the deltas in, one at a time and without waiting (try-lock).
CREATE TABLE items_list_counts (
  department_id uuid,
  kind text NOT NULL,
  status text NOT NULL,
  light text NOT NULL,
  issued_by uuid NOT NULL,
  n integer NOT NULL,
  -- Covering: a total is an index-only range scan over one department's (or the NULL) rows.
  CONSTRAINT items_list_counts_key UNIQUE NULLS NOT DISTINCT (department_id, kind, status, light, issued_by) INCLUDE (n)
);
--> statement-breakpoint
CREATE TABLE items_list_count_deltas (
  id bigint GENERATED ALWAYS AS IDENTITY,
  department_id uuid,
  kind text NOT NULL,
  status text NOT NULL,
  light text NOT NULL,
  issued_by uuid NOT NULL,
  n integer NOT NULL
);
--> statement-breakpoint
-- Read by key, not scanned: a burst of writes (100,000 items inserted in one statement) leaves the
-- table's file 30 MB long after its compactions, and VACUUM frees that space without shortening the
-- file, so a sequential scan would read it all on every total.
CREATE INDEX items_list_count_deltas_key ON items_list_count_deltas (department_id, kind, status, light, issued_by) INCLUDE (n);
--> statement-breakpoint
-- Folds every committed delta into the counts; returns how many it folded (0 when another
-- compaction holds the lock: the deltas it leaves stay counted).
CREATE OR REPLACE FUNCTION items_list_count_compact() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  folded integer;
BEGIN
  IF NOT pg_try_advisory_xact_lock(1768711028) THEN -- 'ilct'
    RETURN 0;
  END IF;
  WITH moved AS (DELETE FROM items_list_count_deltas RETURNING *),
  summed AS (
    SELECT department_id, kind, status, light, issued_by, sum(n)::int AS n, count(*) AS deltas
    FROM moved GROUP BY department_id, kind, status, light, issued_by
  ),
  upserted AS (
    INSERT INTO items_list_counts AS c (department_id, kind, status, light, issued_by, n)
    SELECT department_id, kind, status, light, issued_by, n FROM summed
    ORDER BY department_id, kind, status, light, issued_by
    ON CONFLICT ON CONSTRAINT items_list_counts_key DO UPDATE SET n = c.n + excluded.n
  )
  SELECT coalesce(sum(deltas), 0)::int INTO folded FROM summed;
  RETURN folded;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION items_list_count_collect() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  compaction_due boolean := false;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    WITH added AS (
      INSERT INTO items_list_count_deltas (department_id, kind, status, light, issued_by, n)
      SELECT d, OLD.kind, OLD.status, OLD.light, OLD.issued_by, -1
      FROM (SELECT NULL::uuid UNION SELECT unnest(OLD.department_ids)) AS every(d)
      RETURNING id
    )
    SELECT coalesce(bool_or(id % 1000 = 0), false) INTO compaction_due FROM added;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    WITH added AS (
      INSERT INTO items_list_count_deltas (department_id, kind, status, light, issued_by, n)
      SELECT d, NEW.kind, NEW.status, NEW.light, NEW.issued_by, 1
      FROM (SELECT NULL::uuid UNION SELECT unnest(NEW.department_ids)) AS every(d)
      RETURNING id
    )
    SELECT compaction_due OR coalesce(bool_or(id % 1000 = 0), false) INTO compaction_due FROM added;
  END IF;
  -- Identities are unique across sessions, so about one writer in 1,000 deltas compacts.
  IF compaction_due THEN
    PERFORM items_list_count_compact();
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- DELETE, not TRUNCATE: a list may hold these tables while it waits for items.
CREATE OR REPLACE FUNCTION items_list_count_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM items_list_counts;
  DELETE FROM items_list_count_deltas;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS items_list_count_collect ON items;
--> statement-breakpoint
CREATE TRIGGER items_list_count_collect AFTER INSERT OR DELETE ON items
  FOR EACH ROW EXECUTE FUNCTION items_list_count_collect();
--> statement-breakpoint
DROP TRIGGER IF EXISTS items_list_count_collect_update ON items;
--> statement-breakpoint
-- Only updates that move a count: deadline changes, completion times and the like append nothing.
CREATE TRIGGER items_list_count_collect_update AFTER UPDATE ON items
  FOR EACH ROW WHEN ((OLD.kind, OLD.status, OLD.light, OLD.issued_by, OLD.department_ids)
                     IS DISTINCT FROM (NEW.kind, NEW.status, NEW.light, NEW.issued_by, NEW.department_ids))
  EXECUTE FUNCTION items_list_count_collect();
--> statement-breakpoint
DROP TRIGGER IF EXISTS items_list_count_reset ON items;
--> statement-breakpoint
CREATE TRIGGER items_list_count_reset AFTER TRUNCATE ON items
  FOR EACH STATEMENT EXECUTE FUNCTION items_list_count_reset();
--> statement-breakpoint
-- The rows already there (the migration runs in one transaction, and CREATE TRIGGER has locked
-- items against writes until it commits, so nothing is counted twice or missed).
INSERT INTO items_list_counts (department_id, kind, status, light, issued_by, n)
SELECT every.d, i.kind, i.status, i.light, i.issued_by, count(*)
FROM items i CROSS JOIN LATERAL (SELECT NULL::uuid UNION SELECT unnest(i.department_ids)) AS every(d)
GROUP BY 1, 2, 3, 4, 5;
