-- A task's copy of its item's facts (kind, issuer, launch time, public flag: 0009, 0011, 0035) could be
-- missed for good when the task row and the item row were inserted at the same moment by two
-- transactions: the task's BEFORE INSERT trigger did not yet see the item, and the item's AFTER INSERT
-- trigger did not yet see the task. The task then counted in the standing book without a kind or a
-- launch time, and the drill-down that listed it failed. It happens where a task workflow's first
-- projection races its item's (the engine's own tests launch that way; the API inserts both rows in one
-- transaction).
--
-- Now both sides meet on a per-item advisory lock, held to the end of the transaction: the item's insert
-- takes it before copying to its tasks, and a task that finds no item row takes it and looks again.
-- Whichever comes second sees the first committed. A task whose item is already there takes no lock.
CREATE OR REPLACE FUNCTION tasks_copy_item_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT i.kind, i.issued_by, i.created_at, i.public INTO NEW.item_kind, NEW.item_issued_by, NEW.item_launched_at, NEW.item_public
  FROM items i WHERE i.id = NEW.item_id;
  IF NOT FOUND THEN
    PERFORM pg_advisory_xact_lock(hashtextextended(NEW.item_id::text, 36));
    SELECT i.kind, i.issued_by, i.created_at, i.public INTO NEW.item_kind, NEW.item_issued_by, NEW.item_launched_at, NEW.item_public
    FROM items i WHERE i.id = NEW.item_id;
  END IF;
  -- No item row yet (the audit rebuild writes tasks first): not public until it arrives.
  NEW.item_public := coalesce(NEW.item_public, false);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION items_copy_facts_to_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM pg_advisory_xact_lock(hashtextextended(NEW.id::text, 36));
  END IF;
  UPDATE tasks t SET item_kind = NEW.kind, item_issued_by = NEW.issued_by, item_launched_at = NEW.created_at, item_public = NEW.public
  WHERE t.item_id = NEW.id
    AND (t.item_kind IS DISTINCT FROM NEW.kind OR t.item_issued_by IS DISTINCT FROM NEW.issued_by
         OR t.item_launched_at IS DISTINCT FROM NEW.created_at OR t.item_public IS DISTINCT FROM NEW.public);
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Rows an earlier race left without their item's facts.
UPDATE tasks t SET item_kind = i.kind, item_issued_by = i.issued_by, item_launched_at = i.created_at, item_public = i.public
FROM items i WHERE i.id = t.item_id AND t.item_launched_at IS NULL;
