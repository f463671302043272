-- The standing book's monthly roll-up (0012) by due month and by completion month too, so a window on
-- `dateField=due` or `dateField=completed` sums whole months like a launch-date window instead of
-- counting every task row in it. Each fact is counted once per basis ('launched' = the item's launch,
-- 'due' = the task's due date, 'completed' = its acceptance; null month when there is none), and the
-- edges of a window are counted from the rows through a covering index on that date.
--
-- Writers keep appending deltas only (no shared counters, see 0012); a task change now appends one
-- net row per basis whose month, kind and department are unchanged (old contribution out, new in,
-- summed), so a light change appends 3 rows instead of 2.
--
-- Nothing may write tasks while the roll-up is rebuilt: this lock waits for open writers and holds
-- new ones until the migration commits (they then run the new trigger function).
LOCK TABLE tasks IN SHARE ROW EXCLUSIVE MODE;
--> statement-breakpoint
ALTER TABLE standing_book_months ADD COLUMN basis text NOT NULL DEFAULT 'launched';
--> statement-breakpoint
ALTER TABLE standing_book_months ALTER COLUMN basis DROP DEFAULT;
--> statement-breakpoint
ALTER TABLE standing_book_month_deltas ADD COLUMN basis text NOT NULL DEFAULT 'launched';
--> statement-breakpoint
ALTER TABLE standing_book_month_deltas ALTER COLUMN basis DROP DEFAULT;
--> statement-breakpoint
ALTER TABLE standing_book_months DROP CONSTRAINT standing_book_months_key;
--> statement-breakpoint
ALTER TABLE standing_book_months ADD CONSTRAINT standing_book_months_key UNIQUE NULLS NOT DISTINCT (basis, month_start, kind, department_id)
  INCLUDE (total, completed, on_time, overdue, postponed, in_progress, yellow, red, red_ever);
--> statement-breakpoint
-- One task row's contribution to every basis, each figure times `sign` (+1 in, -1 out); none for a
-- transferred or cancelled task. The figures are the predicates of db/queries/dashboard.ts.
CREATE OR REPLACE FUNCTION standing_book_contribution(t tasks, sign integer)
RETURNS TABLE (basis text, month_start timestamptz, kind text, department_id uuid, total integer, completed integer,
               on_time integer, overdue integer, postponed integer, in_progress integer, yellow integer, red integer, red_ever integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT b.basis, b.month_start, t.item_kind, t.department_id, sign,
         sign * (t.status = 'accepted')::int,
         sign * (t.status = 'accepted' AND t.outcome IS NOT DISTINCT FROM 'on_time')::int,
         sign * (t.status = 'accepted' AND t.outcome IS NOT DISTINCT FROM 'overdue')::int,
         sign * (t.status = 'accepted' AND t.outcome IS NOT DISTINCT FROM 'postponed')::int,
         sign * (t.status <> 'accepted')::int,
         sign * (t.status <> 'accepted' AND t.light = 'yellow')::int,
         sign * (t.status <> 'accepted' AND t.light = 'red')::int,
         sign * (t.red_ever)::int
  FROM (VALUES ('launched', standing_book_month(t.item_launched_at)),
               ('due', standing_book_month(t.due_at)),
               ('completed', standing_book_month(t.accepted_at))) AS b(basis, month_start)
  WHERE t.status NOT IN ('transferred', 'cancelled')
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION standing_book_compact() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  folded integer;
BEGIN
  IF NOT pg_try_advisory_xact_lock(1937011297) THEN -- 'sbka'
    RETURN 0;
  END IF;
  WITH moved AS (DELETE FROM standing_book_month_deltas RETURNING *),
  summed AS (
    SELECT basis, month_start, kind, department_id, sum(total)::int AS total, sum(completed)::int AS completed,
           sum(on_time)::int AS on_time, sum(overdue)::int AS overdue, sum(postponed)::int AS postponed,
           sum(in_progress)::int AS in_progress, sum(yellow)::int AS yellow, sum(red)::int AS red,
           sum(red_ever)::int AS red_ever, count(*) AS deltas
    FROM moved GROUP BY basis, month_start, kind, department_id
  ),
  upserted AS (
    INSERT INTO standing_book_months AS m (basis, month_start, kind, department_id, total, completed, on_time, overdue, postponed, in_progress, yellow, red, red_ever)
    SELECT basis, month_start, kind, department_id, total, completed, on_time, overdue, postponed, in_progress, yellow, red, red_ever
    FROM summed ORDER BY basis, month_start, kind, department_id
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
  compaction_due boolean;
BEGIN
  WITH contributions AS (
    SELECT * FROM standing_book_contribution(OLD, -1) WHERE TG_OP IN ('UPDATE', 'DELETE')
    UNION ALL
    SELECT * FROM standing_book_contribution(NEW, 1) WHERE TG_OP IN ('INSERT', 'UPDATE')
  ),
  appended AS (
    INSERT INTO standing_book_month_deltas (basis, month_start, kind, department_id, total, completed, on_time, overdue, postponed, in_progress, yellow, red, red_ever)
    SELECT c.basis, c.month_start, c.kind, c.department_id, sum(c.total), sum(c.completed), sum(c.on_time), sum(c.overdue),
           sum(c.postponed), sum(c.in_progress), sum(c.yellow), sum(c.red), sum(c.red_ever)
    FROM contributions c
    GROUP BY c.basis, c.month_start, c.kind, c.department_id
    -- An update that moves nothing in a month (e.g. the due month of a light change) appends nothing there.
    HAVING (sum(c.total), sum(c.completed), sum(c.on_time), sum(c.overdue), sum(c.postponed), sum(c.in_progress),
            sum(c.yellow), sum(c.red), sum(c.red_ever)) <> (0, 0, 0, 0, 0, 0, 0, 0, 0)
    RETURNING id
  )
  -- Identities are unique across sessions, so about one writer in 1,000 deltas compacts.
  SELECT coalesce(bool_or(id % 1000 = 0), false) INTO compaction_due FROM appended;
  IF compaction_due THEN
    PERFORM standing_book_compact();
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS standing_book_collect_update ON tasks;
--> statement-breakpoint
-- Only updates that move a count in some basis: progress reports, urges and the like append nothing.
CREATE TRIGGER standing_book_collect_update AFTER UPDATE ON tasks
  FOR EACH ROW WHEN ((OLD.status, OLD.outcome, OLD.light, OLD.red_ever, OLD.item_kind, OLD.item_launched_at, OLD.department_id, OLD.due_at, OLD.accepted_at)
                     IS DISTINCT FROM (NEW.status, NEW.outcome, NEW.light, NEW.red_ever, NEW.item_kind, NEW.item_launched_at, NEW.department_id, NEW.due_at, NEW.accepted_at))
  EXECUTE FUNCTION standing_book_collect_delta();
--> statement-breakpoint
-- The roll-up rebuilt from the rows for every basis (tasks is locked against writes, so nothing is
-- counted twice or missed).
DELETE FROM standing_book_month_deltas;
--> statement-breakpoint
DELETE FROM standing_book_months;
--> statement-breakpoint
INSERT INTO standing_book_months (basis, month_start, kind, department_id, total, completed, on_time, overdue, postponed, in_progress, yellow, red, red_ever)
SELECT c.basis, c.month_start, c.kind, c.department_id, sum(c.total), sum(c.completed), sum(c.on_time), sum(c.overdue),
       sum(c.postponed), sum(c.in_progress), sum(c.yellow), sum(c.red), sum(c.red_ever)
FROM tasks t CROSS JOIN LATERAL standing_book_contribution(t, 1) c
GROUP BY c.basis, c.month_start, c.kind, c.department_id;
--> statement-breakpoint
-- A window's edges (the stretches short of whole months) by due date and by completion date, read
-- from the index alone, as tasks_standing_book_idx (0010) does for launch dates.
CREATE INDEX IF NOT EXISTS tasks_standing_book_due_idx ON tasks (due_at)
  INCLUDE (item_kind, department_id, status, outcome, light, red_ever)
  WHERE status NOT IN ('transferred', 'cancelled');
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS tasks_standing_book_completed_idx ON tasks (accepted_at)
  INCLUDE (item_kind, department_id, status, outcome, light, red_ever)
  WHERE status NOT IN ('transferred', 'cancelled') AND accepted_at IS NOT NULL;
