-- Live events (GET /api/events): each change of the read model that a screen shows is announced on
-- the channel 'sv_events' when its transaction commits. Every API process LISTENs and forwards the
-- change to the streams allowed to see it (api/services/events/), so it stays right with many API
-- processes. The payload carries only ids and states; the API decides who may receive it.
CREATE OR REPLACE FUNCTION sv_live_task() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('sv_events', json_build_object(
    'type', 'task', 'itemId', NEW.item_id, 'taskId', NEW.id, 'departmentId', NEW.department_id,
    'status', NEW.status, 'light', NEW.light, 'version', NEW.version)::text);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER tasks_live_insert AFTER INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION sv_live_task();
--> statement-breakpoint
CREATE TRIGGER tasks_live_update AFTER UPDATE ON tasks FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.light IS DISTINCT FROM NEW.light OR OLD.version IS DISTINCT FROM NEW.version)
  EXECUTE FUNCTION sv_live_task();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sv_live_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('sv_events', json_build_object(
    'type', 'item', 'itemId', NEW.id, 'status', NEW.status, 'light', NEW.light,
    'departmentIds', NEW.department_ids, 'public', NEW.public)::text);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER items_live_insert AFTER INSERT ON items FOR EACH ROW EXECUTE FUNCTION sv_live_item();
--> statement-breakpoint
CREATE TRIGGER items_live_update AFTER UPDATE ON items FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.light IS DISTINCT FROM NEW.light OR OLD.public IS DISTINCT FROM NEW.public
        OR OLD.department_ids IS DISTINCT FROM NEW.department_ids)
  EXECUTE FUNCTION sv_live_item();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sv_live_inbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('sv_events', json_build_object('type', 'inbox', 'userId', NEW.user_id)::text);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER notifications_live_insert AFTER INSERT ON notifications FOR EACH ROW EXECUTE FUNCTION sv_live_inbox();
--> statement-breakpoint
CREATE TRIGGER notifications_live_read AFTER UPDATE OF read_at ON notifications FOR EACH ROW
  WHEN (OLD.read_at IS DISTINCT FROM NEW.read_at)
  EXECUTE FUNCTION sv_live_inbox();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sv_live_export() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('sv_events', json_build_object(
    'type', 'export', 'id', NEW.id, 'status', NEW.status, 'progress', NEW.progress, 'requestedBy', NEW.requested_by)::text);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER export_jobs_live_insert AFTER INSERT ON export_jobs FOR EACH ROW EXECUTE FUNCTION sv_live_export();
--> statement-breakpoint
CREATE TRIGGER export_jobs_live_update AFTER UPDATE ON export_jobs FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.progress IS DISTINCT FROM NEW.progress)
  EXECUTE FUNCTION sv_live_export();
