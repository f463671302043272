/**
 * What a request left behind: per table, its row count and the newest row version (`max(xmin)`, so an
 * UPDATE shows as well as an INSERT or DELETE); the audit rows it added; and in Temporal, the
 * workflows on the API's task queue and the history length of the workflows it aimed at.
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Sql } from 'postgres';

/**
 * Rows a refused request adds on purpose, as the record of the request itself: the audit log row
 * naming its refusal (checked on its own: `audit`), the stored answer of its Idempotency-Key, and the
 * session's last-seen time.
 */
export const BOOKKEEPING = new Set(['audit_log', 'idempotency_keys', 'sessions', '__drizzle_migrations']);

export interface Snapshot {
  tables: Record<string, string>;
  auditId: number;
  workflows: number;
  histories: Record<string, number>;
}

/** Where the walk's time goes (snapshots are most of it). */
export const timings = { snapshots: 0, snapshotMs: 0 };

export interface Traces {
  snapshot(watch: string[]): Promise<Snapshot>;
  /** Only the history lengths, for a snapshot whose tables were just taken. */
  histories(watch: string[]): Promise<Record<string, number>>;
  /** What changed between two snapshots, in words; empty when nothing did. */
  differences(before: Snapshot, after: Snapshot, refusedStatus: number): Promise<string[]>;
}

export async function tracesOf(sql: Sql, temporal: Client, taskQueue: string): Promise<Traces> {
  const tables = (
    await sql<{ name: string }[]>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`
  )
    .map((t) => t.name)
    .filter((name) => !BOOKKEEPING.has(name));
  const query = `select ${tables.map((t) => `(select count(*) || '/' || coalesce(max(xmin::text::bigint), 0) from "${t}") as "${t}"`).join(', ')},
    (select coalesce(max(id), 0) from audit_log)::bigint as "__audit"`;
  const auditIdType = (await sql<{ type: string }[]>`select data_type as type from information_schema.columns where table_name = 'audit_log' and column_name = 'id'`)[0]?.type;
  if (!auditIdType || !/int/.test(auditIdType)) throw new Error(`audit_log.id is ${auditIdType}: the fuzzer expects a growing number`);

  async function historyLength(workflowId: string): Promise<number> {
    try {
      return (await temporal.workflow.getHandle(workflowId).describe()).historyLength;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return -1;
      throw error;
    }
  }

  return {
    async snapshot(watch) {
      const t0 = performance.now();
      const [[row], workflows, lengths] = await Promise.all([
        sql.unsafe(query),
        temporal.workflow.count(`TaskQueue = "${taskQueue}"`).then((c) => c.count),
        Promise.all(watch.map(historyLength)),
      ]);
      timings.snapshots += 1;
      timings.snapshotMs += performance.now() - t0;
      const { __audit, ...counts } = row as Record<string, string>;
      return { tables: counts, auditId: Number(__audit), workflows, histories: Object.fromEntries(watch.map((id, i) => [id, lengths[i]!])) };
    },
    async histories(watch) {
      const lengths = await Promise.all(watch.map(historyLength));
      return Object.fromEntries(watch.map((id, i) => [id, lengths[i]!]));
    },
    async differences(before, after, refusedStatus) {
      const found: string[] = [];
      for (const [table, value] of Object.entries(after.tables)) {
        if (before.tables[table] !== value) found.push(`table ${table}: rows/newest version ${before.tables[table]} → ${value}`);
      }
      if (after.workflows !== before.workflows) found.push(`workflows on the task queue: ${before.workflows} → ${after.workflows}`);
      for (const [id, length] of Object.entries(after.histories)) {
        if (before.histories[id] !== undefined && before.histories[id] !== length) found.push(`history of ${id}: ${before.histories[id]} → ${length} events`);
      }
      // The request's own audit row records its refusal; any other row (or one recording success) is a trace.
      if (after.auditId > before.auditId) {
        const rows = await sql<{ status: number; action: string }[]>`select status, action from audit_log where id > ${before.auditId} and id <= ${after.auditId}`;
        for (const row of rows.filter((r) => r.status !== refusedStatus)) found.push(`audit_log: ${row.action} recorded as ${row.status}`);
        if (rows.length > 1) found.push(`audit_log: ${rows.length} rows for one refused request`);
      }
      return found;
    },
  };
}
