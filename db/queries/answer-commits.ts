/**
 * What a write request commits as it answers: its audit row, and (with an Idempotency-Key) its stored
 * answer. Both go through ONE group commit (db/group-commit.ts): the audit rows and stored answers of
 * the requests answering at the same moment are written by one statement — a data-modifying CTE
 * storing the answers around `audit_log_append_batch` (migration 0019) — instead of two, one round trip
 * and one WAL flush less per keyed write. A batch of one kind runs that kind's statement alone; a batch
 * that fails is written again item by item, each kind by its own statement, so a bad audit row cannot
 * lose a stored answer, nor the other way round.
 */
import { postgresClientOf, type Database } from '../client';
import { groupCommitOf } from '../group-commit';
import { canonicalAuditContent, type AuditEntry } from './audit-chain';
import type { IdempotencyScope } from './idempotency';

/** An answer stored for repeats of an Idempotency-Key. */
export type StoredAnswer = IdempotencyScope & { status: number; body: string; contentType: string | null };

type AnswerCommit = { audit: AuditEntry } | { answer: StoredAnswer };

const appendAuditRows = 'select audit_log_append_batch($1::text::jsonb) as appended';
const storeAnswers = `update idempotency_keys k
set state = 'done', response_status = s.status, response_body = s.body, response_content_type = s.content_type, updated_at = now()
from json_to_recordset($PARAM::text::json) as s(user_id uuid, key text, status integer, body text, content_type text)
where k.user_id = s.user_id and k.key = s.key`;
const storeAnswersAlone = storeAnswers.replace('$PARAM', '$1');
const storeAnswersAndAppendAuditRows = `with stored as (${storeAnswers.replace('$PARAM', '$2')} returning 1)
${appendAuditRows}`;

const auditRowsJson = (entries: AuditEntry[]) =>
  JSON.stringify(entries.map((e) => ({ ...e, at: e.at.toISOString(), content: canonicalAuditContent(e) })));
const answersJson = (answers: StoredAnswer[]) =>
  JSON.stringify(answers.map((a) => ({ user_id: a.userId, key: a.key, status: a.status, body: a.body, content_type: a.contentType })));

async function writeAnswerCommits(db: Database, batch: AnswerCommit[]): Promise<null[]> {
  const audits = batch.flatMap((c) => ('audit' in c ? [c.audit] : []));
  const answers = batch.flatMap((c) => ('answer' in c ? [c.answer] : []));
  const sql = postgresClientOf(db);
  if (answers.length === 0) await sql.unsafe(appendAuditRows, [auditRowsJson(audits)], { prepare: true });
  else if (audits.length === 0) await sql.unsafe(storeAnswersAlone, [answersJson(answers)], { prepare: true });
  else await sql.unsafe(storeAnswersAndAppendAuditRows, [auditRowsJson(audits), answersJson(answers)], { prepare: true });
  return batch.map(() => null);
}

function answerCommits(db: Database) {
  return groupCommitOf(db, 'answer_commits', (batch: AnswerCommit[]) => writeAnswerCommits(db, batch));
}

/**
 * Appends one audit row and resolves once it is committed, in arrival order among the rows of the
 * same moment; each row hashed sha256(prev_hash || content) as chainHash does, `content` being
 * canonicalAuditContent(entry).
 */
export async function appendAuditEntry(db: Database, entry: AuditEntry): Promise<void> {
  await answerCommits(db).submit({ audit: entry });
}

/** Stores an Idempotency-Key's answer for repeats; resolves once it is committed. */
export async function completeIdempotencyKey(
  db: Database,
  scope: IdempotencyScope,
  response: { status: number; body: string; contentType: string | null },
): Promise<void> {
  await answerCommits(db).submit({ answer: { ...scope, ...response } });
}
