-- The standing book's monthly roll-up: every figure counted per (launch month, kind, department), so a
-- year's dashboard sums about 12 × kinds × departments rows and counts only the partial edge months
-- from the task rows themselves (db/queries/dashboard.ts, countFacts).
--
-- Writers never update a shared roll-up row (many projections update tasks concurrently; shared
-- counters would serialise them and deadlock when two transactions touch the same months in another
-- order). A row trigger on tasks only appends signed deltas (the old row's contribution out, the new
-- row's in) to standing_book_month_deltas. Readers sum months + deltas in one statement, one snapshot,
-- so the figures are exact whether or not a compaction ran. standing_book_compact() folds the deltas
-- into standing_book_months; one compaction at a time, and it never waits for a lock (try-lock), so
-- it cannot deadlock either. The trigger starts one about every 1,000 deltas.
--
-- Months are calendar months in China time (fixed UTC+8, as the service computes them too).
CREATE OR REPLACE FUNCTION standing_book_month(launched_at timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (date_trunc('month', (launched_at AT TIME ZONE 'UTC') + interval '8 hours') - interval '8 hours') AT TIME ZONE 'UTC'
$$;
--> statement-breakpoint
-- A task counts unless transferred or cancelled; each column is the figure's predicate in
-- db/queries/dashboard.ts (metricPredicate). month_start and kind are null while the item row has
-- not arrived yet (the audit rebuild writes tasks first); the item's arrival moves the counts.
CREATE TABLE standing_book_months (
  month_start timestamptz,
  kind text,
  department_id uuid NOT NULL,
  total integer NOT NULL,
  completed integer NOT NULL,
  on_time integer NOT NULL,
  overdue integer NOT NULL,
  postponed integer NOT NULL,
  in_progress integer NOT NULL,
  yellow integer NOT NULL,
  red integer NOT NULL,
  red_ever integer NOT NULL,
  -- Covering: a window's months are read by an index-only range scan, however bloated the heap gets
  -- from compactions updating the same rows.
  CONSTRAINT standing_book_months_key UNIQUE NULLS NOT DISTINCT (month_start, kind, department_id)
    INCLUDE (total, completed, on_time, overdue, postponed, in_progress, yellow, red, red_ever)
);
--> statement-breakpoint
CREATE TABLE standing_book_month_deltas (
  id bigint GENERATED ALWAYS AS IDENTITY,
  month_start timestamptz,
  kind text,
  department_id uuid NOT NULL,
  total integer NOT NULL,
  completed integer NOT NULL,
  on_time integer NOT NULL,
  overdue integer NOT NULL,
  postponed integer NOT NULL,
  in_progress integer NOT NULL,
  yellow integer NOT NULL,
  red integer NOT NULL,
  red_ever integer NOT NULL
);
--> statement-breakpoint
-- Folds every committed delta into the months; returns how many deltas it folded (0 when another
-- compaction holds the lock: its result is as good, and the deltas left over stay counted).
CREATE OR REPLACE FUNCTION standing_book_compact() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  folded integer;
BEGIN
  IF NOT pg_try_advisory_xact_lock(1937011297) THEN -- 'sbka'
    RETURN 0;
  END IF;
  WITH moved AS (DELETE FROM standing_book_month_deltas RETURNING *),
  summed AS (
    SELECT month_start, kind, department_id, sum(total)::int AS total, sum(completed)::int AS completed,
           sum(on_time)::int AS on_time, sum(overdue)::int AS overdue, sum(postponed)::int AS postponed,
           sum(in_progress)::int AS in_progress, sum(yellow)::int AS yellow, sum(red)::int AS red,
           sum(red_ever)::int AS red_ever, count(*) AS deltas
    FROM moved GROUP BY month_start, kind, department_id
  ),
  upserted AS (
    INSERT INTO standing_book_months AS m (month_start, kind, department_id, total, completed, on_time, overdue, postponed, in_progress, yellow, red, red_ever)
    SELECT month_start, kind, department_id, total, completed, on_time, overdue, postponed, in_progress, yellow, red, red_ever
    FROM summed ORDER BY month_start, kind, department_id
    ON CONFLICT ON CONSTRAINT standing_book_months_key DO UPDATE SET
      total = m.total + excluded.total, completed = m.completed + excluded.completed,
      on_time = m.on_time + excluded.on_time, overdue = m.overdue + excluded.overdue,
      postponed = m.postponed + excluded.postponed, in_progress = m.in_progress + excluded.in_progress,
      yellow = m.yellow + excluded.yellow, red = m.red + excluded.red, red_ever = m.red_ever + excluded.red_ever
  )
  SELECT coalesce(sum(deltas), 0)::int INTO folded FROM summed;
  RETURN folded;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION standing_book_collect_delta() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta_id bigint;
  compaction_due boolean := false;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    IF OLD.status NOT IN ('transferred', 'cancelled') THEN
      INSERT INTO standing_book_month_deltas (month_start, kind, department_id, total, completed, on_time, overdue, postponed, in_progress, yellow, red, red_ever)
      VALUES (standing_book_month(OLD.item_launched_at), OLD.item_kind, OLD.department_id, -1,
              -(CASE WHEN OLD.status = 'accepted' THEN 1 ELSE 0 END),
              -(CASE WHEN OLD.status = 'accepted' AND OLD.outcome = 'on_time' THEN 1 ELSE 0 END),
              -(CASE WHEN OLD.status = 'accepted' AND OLD.outcome = 'overdue' THEN 1 ELSE 0 END),
              -(CASE WHEN OLD.status = 'accepted' AND OLD.outcome = 'postponed' THEN 1 ELSE 0 END),
              -(CASE WHEN OLD.status <> 'accepted' THEN 1 ELSE 0 END),
              -(CASE WHEN OLD.status <> 'accepted' AND OLD.light = 'yellow' THEN 1 ELSE 0 END),
              -(CASE WHEN OLD.status <> 'accepted' AND OLD.light = 'red' THEN 1 ELSE 0 END),
              -(CASE WHEN OLD.red_ever THEN 1 ELSE 0 END))
      RETURNING id INTO delta_id;
      compaction_due := delta_id % 1000 = 0;
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    IF NEW.status NOT IN ('transferred', 'cancelled') THEN
      INSERT INTO standing_book_month_deltas (month_start, kind, department_id, total, completed, on_time, overdue, postponed, in_progress, yellow, red, red_ever)
      VALUES (standing_book_month(NEW.item_launched_at), NEW.item_kind, NEW.department_id, 1,
              CASE WHEN NEW.status = 'accepted' THEN 1 ELSE 0 END,
              CASE WHEN NEW.status = 'accepted' AND NEW.outcome = 'on_time' THEN 1 ELSE 0 END,
              CASE WHEN NEW.status = 'accepted' AND NEW.outcome = 'overdue' THEN 1 ELSE 0 END,
              CASE WHEN NEW.status = 'accepted' AND NEW.outcome = 'postponed' THEN 1 ELSE 0 END,
              CASE WHEN NEW.status <> 'accepted' THEN 1 ELSE 0 END,
              CASE WHEN NEW.status <> 'accepted' AND NEW.light = 'yellow' THEN 1 ELSE 0 END,
              CASE WHEN NEW.status <> 'accepted' AND NEW.light = 'red' THEN 1 ELSE 0 END,
              CASE WHEN NEW.red_ever THEN 1 ELSE 0 END)
      RETURNING id INTO delta_id;
      compaction_due := compaction_due OR delta_id % 1000 = 0;
    END IF;
  END IF;
  -- Identities are unique across sessions, so about one writer in 1,000 deltas compacts.
  IF compaction_due THEN
    PERFORM standing_book_compact();
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- DELETE, not TRUNCATE: a dashboard read may hold these tables while it waits for tasks, and
-- TRUNCATE's exclusive locks would then deadlock with it.
CREATE OR REPLACE FUNCTION standing_book_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM standing_book_months;
  DELETE FROM standing_book_month_deltas;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS standing_book_collect_insert ON tasks;
--> statement-breakpoint
CREATE TRIGGER standing_book_collect_insert AFTER INSERT OR DELETE ON tasks
  FOR EACH ROW EXECUTE FUNCTION standing_book_collect_delta();
--> statement-breakpoint
DROP TRIGGER IF EXISTS standing_book_collect_update ON tasks;
--> statement-breakpoint
-- Only updates that move a count: progress reports, urges and the like append nothing.
CREATE TRIGGER standing_book_collect_update AFTER UPDATE ON tasks
  FOR EACH ROW WHEN ((OLD.status, OLD.outcome, OLD.light, OLD.red_ever, OLD.item_kind, OLD.item_launched_at, OLD.department_id)
                     IS DISTINCT FROM (NEW.status, NEW.outcome, NEW.light, NEW.red_ever, NEW.item_kind, NEW.item_launched_at, NEW.department_id))
  EXECUTE FUNCTION standing_book_collect_delta();
--> statement-breakpoint
DROP TRIGGER IF EXISTS standing_book_reset ON tasks;
--> statement-breakpoint
CREATE TRIGGER standing_book_reset AFTER TRUNCATE ON tasks
  FOR EACH STATEMENT EXECUTE FUNCTION standing_book_reset();
--> statement-breakpoint
-- The rows already there (the migration runs in one transaction, and CREATE TRIGGER has locked
-- tasks against writes until it commits, so nothing is counted twice or missed).
INSERT INTO standing_book_months (month_start, kind, department_id, total, completed, on_time, overdue, postponed, in_progress, yellow, red, red_ever)
SELECT standing_book_month(item_launched_at), item_kind, department_id, count(*),
       count(*) FILTER (WHERE status = 'accepted'),
       count(*) FILTER (WHERE status = 'accepted' AND outcome = 'on_time'),
       count(*) FILTER (WHERE status = 'accepted' AND outcome = 'overdue'),
       count(*) FILTER (WHERE status = 'accepted' AND outcome = 'postponed'),
       count(*) FILTER (WHERE status <> 'accepted'),
       count(*) FILTER (WHERE status <> 'accepted' AND light = 'yellow'),
       count(*) FILTER (WHERE status <> 'accepted' AND light = 'red'),
       count(*) FILTER (WHERE red_ever)
FROM tasks WHERE status NOT IN ('transferred', 'cancelled')
GROUP BY 1, 2, 3;
