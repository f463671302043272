-- The public pages read only the items marked public (about one in ten), and each read was counting
-- more than it showed: GET /public/stats joined every task with its item to keep the public ones
-- (400,000 tasks read for 40,000 in a province-sized year), GET /public/items counted its total by a
-- sequential scan of items.
--
-- Tasks now carry their item's `public` flag like its kind and launch time (0009, 0011): copied on
-- insert, and following the item when the flag changes. The public statistic then reads a partial
-- index of the public items' counting tasks, index-only; the public list pages and counts through a
-- partial index of the public items in its order.
ALTER TABLE tasks ADD COLUMN item_public boolean NOT NULL DEFAULT false;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tasks_copy_item_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT i.kind, i.issued_by, i.created_at, i.public INTO NEW.item_kind, NEW.item_issued_by, NEW.item_launched_at, NEW.item_public
  FROM items i WHERE i.id = NEW.item_id;
  -- No item row yet (the audit rebuild writes tasks first): not public until it arrives.
  NEW.item_public := coalesce(NEW.item_public, false);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION items_copy_facts_to_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE tasks t SET item_kind = NEW.kind, item_issued_by = NEW.issued_by, item_launched_at = NEW.created_at, item_public = NEW.public
  WHERE t.item_id = NEW.id
    AND (t.item_kind IS DISTINCT FROM NEW.kind OR t.item_issued_by IS DISTINCT FROM NEW.issued_by
         OR t.item_launched_at IS DISTINCT FROM NEW.created_at OR t.item_public IS DISTINCT FROM NEW.public);
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS items_copy_facts_to_tasks ON items;
--> statement-breakpoint
CREATE TRIGGER items_copy_facts_to_tasks AFTER INSERT OR UPDATE OF kind, issued_by, created_at, public ON items
  FOR EACH ROW EXECUTE FUNCTION items_copy_facts_to_tasks();
--> statement-breakpoint
UPDATE tasks t SET item_public = true FROM items i WHERE i.id = t.item_id AND i.public AND NOT t.item_public;
--> statement-breakpoint
CREATE INDEX tasks_public_stats_idx ON tasks (department_id) INCLUDE (status, outcome)
  WHERE item_public AND status NOT IN ('transferred', 'cancelled');
--> statement-breakpoint
CREATE INDEX items_public_created_idx ON items (created_at DESC, id DESC) WHERE public;
