-- Every task row carries its item's kind, issuer and launch time, copied once on insert: these never
-- change for an item, and the item row is always written before its tasks (launch, transfer).
CREATE OR REPLACE FUNCTION tasks_copy_item_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT i.kind, i.issued_by, i.created_at INTO NEW.item_kind, NEW.item_issued_by, NEW.item_launched_at
  FROM items i WHERE i.id = NEW.item_id;
  RETURN NEW;
END
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS tasks_copy_item_facts ON tasks;
--> statement-breakpoint
CREATE TRIGGER tasks_copy_item_facts BEFORE INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION tasks_copy_item_facts();
--> statement-breakpoint
UPDATE tasks t SET item_kind = i.kind, item_issued_by = i.issued_by, item_launched_at = i.created_at
FROM items i WHERE i.id = t.item_id AND t.item_kind IS NULL;
