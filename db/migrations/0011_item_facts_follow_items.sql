-- Tasks copy their item's facts on insert (0009), but a task row can arrive before its item row
-- (the audit rebuild writes tasks first): when the item row is written, its tasks catch up.
CREATE OR REPLACE FUNCTION items_copy_facts_to_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE tasks t SET item_kind = NEW.kind, item_issued_by = NEW.issued_by, item_launched_at = NEW.created_at
  WHERE t.item_id = NEW.id
    AND (t.item_kind IS DISTINCT FROM NEW.kind OR t.item_issued_by IS DISTINCT FROM NEW.issued_by
         OR t.item_launched_at IS DISTINCT FROM NEW.created_at);
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS items_copy_facts_to_tasks ON items;
--> statement-breakpoint
CREATE TRIGGER items_copy_facts_to_tasks AFTER INSERT OR UPDATE OF kind, issued_by, created_at ON items
  FOR EACH ROW EXECUTE FUNCTION items_copy_facts_to_tasks();
