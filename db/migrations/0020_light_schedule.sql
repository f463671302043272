ALTER TABLE "items" ADD COLUMN "yellow_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "red_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "yellow_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "yellow_reason" jsonb;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "red_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "red_reason" jsonb;--> statement-breakpoint
CREATE INDEX "items_yellow_pending_idx" ON "items" USING btree ("yellow_at") WHERE "items"."light" = 'green' and "items"."yellow_at" is not null;--> statement-breakpoint
CREATE INDEX "items_red_pending_idx" ON "items" USING btree ("red_at") WHERE "items"."light" <> 'red' and "items"."red_at" is not null;--> statement-breakpoint
CREATE INDEX "tasks_yellow_pending_idx" ON "tasks" USING btree ("yellow_at") WHERE "tasks"."light" = 'green' and "tasks"."yellow_at" is not null;--> statement-breakpoint
CREATE INDEX "tasks_red_pending_idx" ON "tasks" USING btree ("red_at") WHERE "tasks"."light" <> 'red' and "tasks"."red_at" is not null;--> statement-breakpoint
-- Lights exact at the moment of reading (issue 16). A task row stores its light as its workflow last
-- evaluated it, and the instants from which its state is yellow-or-worse and red (yellow_at, red_at:
-- domain lightSchedule). Every read takes the light through this one expression, so a passed instant
-- shows at once, whether or not the timer that records it has landed; domain effectiveLight is the
-- same rule in TypeScript (tests/integration/lights-at-read.test.ts checks they agree). Inlined by
-- the planner (one SQL expression, IMMUTABLE).
CREATE OR REPLACE FUNCTION effective_light(stored text, yellow_at timestamptz, red_at timestamptz, at timestamptz)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN stored = 'red' OR red_at <= at THEN 'red'
    WHEN stored = 'yellow' OR yellow_at <= at THEN 'yellow'
    ELSE stored
  END
$$;
--> statement-breakpoint
-- The item's light follows its open tasks' (worst stored light, earliest instants) and its red_ever
-- any task's, written here rather than by the item workflow, which is no longer woken for lights.
-- The items rows are locked first and read in a second statement: under READ COMMITTED each
-- statement of a function takes a fresh snapshot, so the writer of another task of the same item,
-- which held the lock until it committed, is seen; two writers can never both miss each other.
CREATE OR REPLACE FUNCTION items_follow_task_lights(changed uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(changed) = 0 THEN
    RETURN;
  END IF;
  PERFORM 1 FROM items WHERE id = ANY(changed) ORDER BY id FOR UPDATE;
  UPDATE items i
  SET light = a.light, yellow_at = a.yellow_at, red_at = a.red_at, red_ever = i.red_ever OR a.red_ever
  FROM (
    SELECT t.item_id,
           CASE max(CASE t.light WHEN 'red' THEN 2 WHEN 'yellow' THEN 1 ELSE 0 END) FILTER (WHERE t.status NOT IN ('accepted', 'transferred', 'cancelled'))
             WHEN 2 THEN 'red' WHEN 1 THEN 'yellow' ELSE 'green' END AS light,
           min(t.yellow_at) FILTER (WHERE t.status NOT IN ('accepted', 'transferred', 'cancelled')) AS yellow_at,
           min(t.red_at) FILTER (WHERE t.status NOT IN ('accepted', 'transferred', 'cancelled')) AS red_at,
           bool_or(t.red_ever) AS red_ever
    FROM tasks t WHERE t.item_id = ANY(changed) GROUP BY t.item_id
  ) a
  WHERE i.id = a.item_id
    AND (i.light, i.yellow_at, i.red_at, i.red_ever) IS DISTINCT FROM (a.light, a.yellow_at, a.red_at, i.red_ever OR a.red_ever);
END
$$;
--> statement-breakpoint
-- Per statement, with the rows it wrote: a launch's or a seed's batch of tasks is one aggregate.
CREATE OR REPLACE FUNCTION tasks_lights_to_items_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM items_follow_task_lights(ARRAY(SELECT DISTINCT item_id FROM new_rows));
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Only the items whose tasks' light, schedule, openness or red_ever changed (a report that moves no
-- instant, an urge, a projection replayed: nothing).
CREATE OR REPLACE FUNCTION tasks_lights_to_items_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM items_follow_task_lights(ARRAY(
    SELECT DISTINCT n.item_id FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE (o.light, o.status, o.yellow_at, o.red_at, o.red_ever) IS DISTINCT FROM (n.light, n.status, n.yellow_at, n.red_at, n.red_ever)));
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS tasks_lights_to_items_inserted ON tasks;
--> statement-breakpoint
CREATE TRIGGER tasks_lights_to_items_inserted AFTER INSERT ON tasks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tasks_lights_to_items_inserted();
--> statement-breakpoint
DROP TRIGGER IF EXISTS tasks_lights_to_items_updated ON tasks;
--> statement-breakpoint
CREATE TRIGGER tasks_lights_to_items_updated AFTER UPDATE ON tasks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tasks_lights_to_items_updated();
--> statement-breakpoint
-- An item row written after its tasks' (the audit rebuild writes tasks first) takes their lights too;
-- an item without task rows keeps the light it was written with.
CREATE OR REPLACE FUNCTION items_take_task_lights() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM items_follow_task_lights(ARRAY[NEW.id]);
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS items_take_task_lights ON items;
--> statement-breakpoint
CREATE TRIGGER items_take_task_lights AFTER INSERT ON items FOR EACH ROW EXECUTE FUNCTION items_take_task_lights();
