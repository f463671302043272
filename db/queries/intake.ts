/** Reads and writes of the early-warning intake (db/schema/intake.ts). Every function takes the database first. */
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { intakeRules, intakeSignals, intakeSources, serviceAccounts, type RiskLevel } from '../schema/intake';
import { itemEvents, items, tasks } from '../schema/items';
import { notificationDeliveries } from '../schema/notifications';

export type IntakeSourceRow = typeof intakeSources.$inferSelect;
export type IntakeRuleRow = typeof intakeRules.$inferSelect;
export type IntakeSignalRow = typeof intakeSignals.$inferSelect;
export type ServiceAccountRow = typeof serviceAccounts.$inferSelect;

// ---- sources, rules and service accounts (admin) -----------------------------------------------

export function listIntakeSources(db: Executor): Promise<IntakeSourceRow[]> {
  return db.select().from(intakeSources).orderBy(asc(intakeSources.source));
}

export async function saveIntakeSource(
  db: Executor,
  row: Pick<IntakeSourceRow, 'source' | 'name' | 'resultUrl' | 'enabled'> & { resultSecret?: string | null; updatedBy: string },
): Promise<IntakeSourceRow> {
  const set = { name: row.name, resultUrl: row.resultUrl, enabled: row.enabled, updatedBy: row.updatedBy, updatedAt: sql`now()`, ...(row.resultSecret !== undefined ? { resultSecret: row.resultSecret } : {}) };
  const [saved] = await db
    .insert(intakeSources)
    .values({ ...row, resultSecret: row.resultSecret ?? null })
    .onConflictDoUpdate({ target: intakeSources.source, set })
    .returning();
  return saved!;
}

export async function findIntakeSource(db: Executor, source: string): Promise<IntakeSourceRow | null> {
  const [row] = await db.select().from(intakeSources).where(eq(intakeSources.source, source));
  return row ?? null;
}

export function listIntakeRules(db: Executor): Promise<IntakeRuleRow[]> {
  return db.select().from(intakeRules).orderBy(asc(intakeRules.source), asc(intakeRules.riskLevel));
}

export async function saveIntakeRule(db: Executor, row: Omit<typeof intakeRules.$inferInsert, 'id' | 'updatedAt'> & { updatedBy: string }): Promise<IntakeRuleRow> {
  const set = { departmentId: row.departmentId, issuedBy: row.issuedBy, dueInWorkingDays: row.dueInWorkingDays ?? null, dueWithin: row.dueWithin ?? null, matterId: row.matterId ?? null, updatedBy: row.updatedBy, updatedAt: sql`now()` };
  const [saved] = await db
    .insert(intakeRules)
    .values(row)
    .onConflictDoUpdate({ target: [intakeRules.source, intakeRules.riskLevel], set })
    .returning();
  return saved!;
}

export async function deleteIntakeRule(db: Executor, id: string): Promise<boolean> {
  const deleted = await db.delete(intakeRules).where(eq(intakeRules.id, id)).returning({ id: intakeRules.id });
  return deleted.length > 0;
}

export async function findIntakeRule(db: Executor, source: string, riskLevel: RiskLevel): Promise<IntakeRuleRow | null> {
  const [row] = await db
    .select()
    .from(intakeRules)
    .where(and(eq(intakeRules.source, source), eq(intakeRules.riskLevel, riskLevel)));
  return row ?? null;
}

export async function insertServiceAccount(db: Executor, row: typeof serviceAccounts.$inferInsert): Promise<ServiceAccountRow> {
  const [saved] = await db.insert(serviceAccounts).values(row).returning();
  return saved!;
}

export function listServiceAccounts(db: Executor): Promise<Omit<ServiceAccountRow, 'keyHash' | 'secret'>[]> {
  return db
    .select({
      id: serviceAccounts.id,
      name: serviceAccounts.name,
      source: serviceAccounts.source,
      keyPrefix: serviceAccounts.keyPrefix,
      createdAt: serviceAccounts.createdAt,
      createdBy: serviceAccounts.createdBy,
      lastUsedAt: serviceAccounts.lastUsedAt,
    })
    .from(serviceAccounts)
    .orderBy(asc(serviceAccounts.createdAt));
}

export async function deleteServiceAccount(db: Executor, id: string): Promise<boolean> {
  const deleted = await db.delete(serviceAccounts).where(eq(serviceAccounts.id, id)).returning({ id: serviceAccounts.id });
  return deleted.length > 0;
}

/** The caller of a signed request, by its API key's hash, with its source's switch. */
export async function findServiceAccountByKeyHash(db: Executor, keyHash: string) {
  const [row] = await db
    .select({ id: serviceAccounts.id, name: serviceAccounts.name, source: serviceAccounts.source, secret: serviceAccounts.secret, sourceEnabled: intakeSources.enabled })
    .from(serviceAccounts)
    .innerJoin(intakeSources, eq(intakeSources.source, serviceAccounts.source))
    .where(eq(serviceAccounts.keyHash, keyHash));
  return row ?? null;
}

// ---- signals --------------------------------------------------------------------------------------

/** Claims (source, externalId) for a new item; false when another request holds it already. */
export async function insertSignalIfNew(db: Executor, row: typeof intakeSignals.$inferInsert): Promise<boolean> {
  const inserted = await db.insert(intakeSignals).values(row).onConflictDoNothing().returning({ id: intakeSignals.id });
  return inserted.length > 0;
}

/** A repeat of a known signal: its latest subject, risk and details, counted. Null when unknown. */
export async function recordSignalRepeat(
  db: Executor,
  key: { source: string; externalId: string },
  latest: Pick<IntakeSignalRow, 'subject' | 'riskLevel' | 'details'>,
): Promise<string | null> {
  const [row] = await db
    .update(intakeSignals)
    .set({ ...latest, receivedCount: sql`${intakeSignals.receivedCount} + 1`, lastReceivedAt: sql`now()` })
    .where(and(eq(intakeSignals.source, key.source), eq(intakeSignals.externalId, key.externalId)))
    .returning({ itemId: intakeSignals.itemId });
  return row?.itemId ?? null;
}

export async function findSignalOfItem(db: Executor, itemId: string): Promise<IntakeSignalRow | null> {
  const [row] = await db.select().from(intakeSignals).where(eq(intakeSignals.itemId, itemId));
  return row ?? null;
}

// ---- the result sent back -------------------------------------------------------------------------

/**
 * What a completed verification item sends back, when its source has a result URL and nothing was
 * sent yet: the signal, the item, and the lead department's last completion report.
 */
export async function pendingSignalResult(db: Executor, itemId: string) {
  const [row] = await db
    .select({
      signal: intakeSignals,
      resultUrl: intakeSources.resultUrl,
      itemCode: items.code,
      itemTitle: items.title,
      itemStatus: items.status,
      completedAt: items.completedAt,
    })
    .from(intakeSignals)
    .innerJoin(intakeSources, eq(intakeSources.source, intakeSignals.source))
    .innerJoin(items, eq(items.id, intakeSignals.itemId))
    .where(and(eq(intakeSignals.itemId, itemId), isNull(intakeSignals.resultDeliveryId)));
  if (!row || !row.resultUrl) return null;
  const [report] = await db
    .select({ payload: itemEvents.payload })
    .from(itemEvents)
    .innerJoin(tasks, eq(tasks.id, itemEvents.taskId))
    .where(and(eq(itemEvents.itemId, itemId), eq(itemEvents.type, 'complete'), eq(tasks.role, 'lead')))
    .orderBy(desc(itemEvents.at))
    .limit(1);
  return { ...row, resultUrl: row.resultUrl, report: (report?.payload ?? null) as { summary?: string; fields?: Record<string, unknown> } | null };
}

/**
 * The result's ledger row (channel webhook, sent to the source's result URL): the unique dedupe key
 * makes a second call return the first row's id.
 */
export async function recordSignalResultDelivery(
  db: Executor,
  row: { itemId: string; source: string; target: string; subject: string; body: string; payload: unknown },
): Promise<{ id: string; created: boolean }> {
  const dedupeKey = `signal-result/${row.itemId}`;
  const inserted = await db
    .insert(notificationDeliveries)
    .values({
      dedupeKey,
      requestKey: dedupeKey,
      channel: 'webhook',
      target: row.target,
      subject: row.subject,
      body: row.body,
      payload: row.payload,
      intakeSource: row.source,
    })
    .onConflictDoNothing()
    .returning({ id: notificationDeliveries.id });
  const id = inserted[0]?.id ?? (await db.select({ id: notificationDeliveries.id }).from(notificationDeliveries).where(eq(notificationDeliveries.dedupeKey, dedupeKey)))[0]!.id;
  return { id, created: inserted.length > 0 };
}

/** The signal's result is queued: later projections of its item look no further. */
export async function markSignalResultQueued(db: Executor, itemId: string, deliveryId: string): Promise<void> {
  await db.update(intakeSignals).set({ resultDeliveryId: deliveryId }).where(eq(intakeSignals.itemId, itemId));
}

/** Where an early-warning result delivery goes: its source's result URL and secret, as a generic webhook. */
export async function signalResultTarget(db: Executor, source: string) {
  const [row] = await db
    .select({ url: intakeSources.resultUrl, secret: intakeSources.resultSecret, enabled: intakeSources.enabled })
    .from(intakeSources)
    .where(eq(intakeSources.source, source));
  return row?.url ? { kind: 'generic' as const, url: row.url, secret: row.secret, enabled: row.enabled } : null;
}
