import { createHash } from 'node:crypto';

/** The prevHash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a row says; the chain hashes exactly these fields, in this order. */
export interface AuditEntry {
  at: Date;
  actorId: string | null;
  actorUsername: string | null;
  actorRole: string | null;
  actorDepartmentId: string | null;
  action: string;
  path: string;
  targetId: string | null;
  status: number;
  requestId: string;
}

export function canonicalAuditContent(entry: AuditEntry): string {
  return JSON.stringify([
    entry.at.toISOString(),
    entry.actorId,
    entry.actorUsername,
    entry.actorRole,
    entry.actorDepartmentId,
    entry.action,
    entry.path,
    entry.targetId,
    entry.status,
    entry.requestId,
  ]);
}

/** sha256(previous row's hash + this row's canonical content), hex. */
export function chainHash(prevHash: string, entry: AuditEntry): string {
  return createHash('sha256').update(prevHash).update(canonicalAuditContent(entry)).digest('hex');
}
