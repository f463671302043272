-- Appends several audit_log rows in one statement, in the order given: the API process group-commits
-- the rows of the write requests answering at the same moment (db/queries/audit-log.ts). One holder of
-- the chain's lock ('audi') per batch instead of one per request, and one commit (one WAL flush) for
-- all of them: the lock is held through the commit, so one append per flush capped appends at the
-- disk's flush rate. Same chain as audit_log_append (0018): each row's hash = sha256(prev_hash ||
-- content), prev_hash the row before it; `content` is canonicalAuditContent of the row's fields.
CREATE OR REPLACE FUNCTION audit_log_append_batch(p_entries jsonb) RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  prev text;
  e jsonb;
  appended integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(1635083369); -- 0x61756469, 'audi'
  SELECT hash INTO prev FROM audit_log ORDER BY id DESC LIMIT 1;
  prev := coalesce(prev, repeat('0', 64));
  FOR e IN SELECT value FROM jsonb_array_elements(p_entries) WITH ORDINALITY AS t(value, n) ORDER BY n LOOP
    INSERT INTO audit_log (at, actor_id, actor_username, actor_role, actor_department_id, action, path, target_id, status, request_id, prev_hash, hash)
    VALUES ((e->>'at')::timestamptz, (e->>'actorId')::uuid, e->>'actorUsername', e->>'actorRole', (e->>'actorDepartmentId')::uuid,
            e->>'action', e->>'path', e->>'targetId', (e->>'status')::integer, e->>'requestId',
            prev, encode(sha256(convert_to(prev || (e->>'content'), 'UTF8')), 'hex'))
    RETURNING hash INTO prev;
    appended := appended + 1;
  END LOOP;
  RETURN appended;
END
$$;
