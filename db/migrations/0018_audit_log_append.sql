-- Appends one audit_log row in one statement (db/queries/audit-log.ts, appendAuditEntry), instead of a
-- transaction of five (begin, lock, read the head, insert, commit: eight round trips as drizzle sent them,
-- the chain's lock held across all of them) on every write request. Same chain as before: under the
-- chain's lock ('audi'), the head's hash is read (each statement of this VOLATILE function takes a new
-- snapshot, so after the lock it sees every row committed before) and the row gets
-- hash = sha256(prev_hash || content), the bytes chainHash in db/queries/audit-chain.ts hashes;
-- `content` is canonicalAuditContent of the same fields, computed by the caller. verifyAuditChain
-- recomputes every hash from the row's own fields, so a content that does not match them shows as a
-- broken row.
CREATE OR REPLACE FUNCTION audit_log_append(
  p_at timestamptz, p_actor_id uuid, p_actor_username text, p_actor_role text, p_actor_department_id uuid,
  p_action text, p_path text, p_target_id text, p_status integer, p_request_id text, p_content text
) RETURNS void LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  prev text;
BEGIN
  PERFORM pg_advisory_xact_lock(1635083369); -- 0x61756469, 'audi'
  SELECT hash INTO prev FROM audit_log ORDER BY id DESC LIMIT 1;
  prev := coalesce(prev, repeat('0', 64));
  INSERT INTO audit_log (at, actor_id, actor_username, actor_role, actor_department_id, action, path, target_id, status, request_id, prev_hash, hash)
  VALUES (p_at, p_actor_id, p_actor_username, p_actor_role, p_actor_department_id, p_action, p_path, p_target_id, p_status, p_request_id,
          prev, encode(sha256(convert_to(prev || p_content, 'UTF8')), 'hex'));
END
$$;
