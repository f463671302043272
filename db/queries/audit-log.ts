import { and, asc, count, desc, eq, gt, gte, ilike, lte, type SQL } from 'drizzle-orm';
import type { Database, Executor } from '../client';
import { auditLog } from '../schema/audit';
import { chainHash, GENESIS_HASH } from './audit-chain';

// Appending a row: with the stored Idempotency-Key answers of the same moment (answer-commits.ts).
export { appendAuditEntry } from './answer-commits';

export interface AuditFilter {
  actor?: string;
  action?: string;
  target?: string;
  from?: Date;
  to?: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function listAuditEntries(db: Executor, filter: AuditFilter, page: { limit: number; offset: number }) {
  const conditions: SQL[] = [];
  if (filter.actor) conditions.push(UUID.test(filter.actor) ? eq(auditLog.actorId, filter.actor) : eq(auditLog.actorUsername, filter.actor));
  if (filter.action) conditions.push(ilike(auditLog.action, `%${filter.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  if (filter.target) conditions.push(eq(auditLog.targetId, filter.target));
  if (filter.from) conditions.push(gte(auditLog.at, filter.from));
  if (filter.to) conditions.push(lte(auditLog.at, filter.to));
  const where = conditions.length ? and(...conditions) : undefined;
  const [rows, [total]] = await Promise.all([
    db.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(page.limit).offset(page.offset),
    db.select({ n: count() }).from(auditLog).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  /** The first row whose hash does not follow from its content and its predecessor. */
  firstBroken: { id: number; reason: string } | null;
}

/** Recomputes the whole chain in id order, a batch at a time, in one consistent snapshot. */
export async function verifyAuditChain(db: Database, batchSize = 2000): Promise<ChainReport> {
  return db.transaction(
    async (tx) => {
      let prevHash = GENESIS_HASH;
      let lastId = 0;
      let checked = 0;
      for (;;) {
        const rows = await tx.select().from(auditLog).where(gt(auditLog.id, lastId)).orderBy(asc(auditLog.id)).limit(batchSize);
        if (rows.length === 0) return { ok: true, checked, firstBroken: null };
        for (const row of rows) {
          if (row.prevHash !== prevHash) {
            return { ok: false, checked, firstBroken: { id: row.id, reason: 'prev_hash does not match the previous row (a row was removed or reordered)' } };
          }
          if (chainHash(prevHash, row) !== row.hash) {
            return { ok: false, checked, firstBroken: { id: row.id, reason: 'content does not match its hash (the row was edited)' } };
          }
          prevHash = row.hash;
          lastId = row.id;
          checked += 1;
        }
      }
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
