/** Reads and writes of the notification tables. Every function takes the database (or a transaction) first. */
import { and, count, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Database, Executor } from '../client';
import { departments } from '../schema/org';
import {
  notificationDeliveries,
  notificationPreferences,
  notifications,
  notificationWebhooks,
  type Language,
  type WebhookKind,
} from '../schema/notifications';

export type InboxRow = typeof notifications.$inferSelect;
export type NewInboxRow = typeof notifications.$inferInsert;
export type DeliveryRow = typeof notificationDeliveries.$inferSelect;
export type NewDeliveryRow = typeof notificationDeliveries.$inferInsert;
export type PreferencesRow = typeof notificationPreferences.$inferSelect;
export type WebhookRow = typeof notificationWebhooks.$inferSelect;

// ---- recipients ------------------------------------------------------------------------------

export interface RecipientUser {
  id: string;
  role: string;
  departmentId: string | null;
  /** For SMS (users.phone). */
  phone?: string | null;
  preferences: PreferencesRow | null;
}

export interface DepartmentChannels {
  department: { id: string; name: string; nameEn: string | null; leaderUserId: string | null };
  preferences: PreferencesRow | null;
  webhooks: WebhookRow[];
}

/** The department, its channel settings and (unless `withWebhooks: false`) its webhooks. */
export async function findDepartmentChannels(db: Executor, departmentId: string, options: { withWebhooks?: boolean } = {}): Promise<DepartmentChannels | null> {
  const [found, webhooks] = await Promise.all([
    db
      .select({
        department: { id: departments.id, name: departments.name, nameEn: departments.nameEn, leaderUserId: departments.leaderUserId },
        preferences: notificationPreferences,
      })
      .from(departments)
      .leftJoin(notificationPreferences, eq(notificationPreferences.departmentId, departments.id))
      .where(eq(departments.id, departmentId)),
    options.withWebhooks === false
      ? Promise.resolve([])
      : db.select().from(notificationWebhooks).where(eq(notificationWebhooks.departmentId, departmentId)).orderBy(notificationWebhooks.createdAt),
  ]);
  const row = found[0];
  return row ? { department: row.department, preferences: row.preferences, webhooks } : null;
}

// ---- inbox -----------------------------------------------------------------------------------

export async function listInbox(
  db: Executor,
  userId: string,
  page: { page: number; pageSize: number; unreadOnly?: boolean },
): Promise<{ items: InboxRow[]; total: number; unread: number }> {
  const mine = eq(notifications.userId, userId);
  const filter = page.unreadOnly ? and(mine, isNull(notifications.readAt)) : mine;
  const [items, totals] = await Promise.all([
    db
      .select()
      .from(notifications)
      .where(filter)
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(page.pageSize)
      .offset((page.page - 1) * page.pageSize),
    db
      .select({ total: count(), unread: sql<number>`count(*) filter (where ${notifications.readAt} is null)`.mapWith(Number) })
      .from(notifications)
      .where(mine),
  ]);
  const total = page.unreadOnly ? (totals[0]?.unread ?? 0) : (totals[0]?.total ?? 0);
  return { items, total, unread: totals[0]?.unread ?? 0 };
}

/** Records the first time the recipient read it; later reads keep that time. null when not theirs. */
export async function markInboxRead(db: Executor, userId: string, id: string, now: Date): Promise<InboxRow | null> {
  const [row] = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, ${now.toISOString()}::timestamptz)` })
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .returning();
  return row ?? null;
}

/** Who received which notification about a task and when they read it — the urge's read receipts. */
export async function readReceiptsOfTask(db: Executor, taskId: string) {
  return db
    .select({
      notificationId: notifications.id,
      userId: notifications.userId,
      event: notifications.event,
      dedupeKey: notifications.dedupeKey,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
    })
    .from(notifications)
    .where(eq(notifications.taskId, taskId))
    .orderBy(notifications.createdAt);
}

// ---- deliveries ------------------------------------------------------------------------------

/** Deliveries of one request that still have to go out (a retried fan-out re-enqueues exactly these). */
export async function openDeliveriesOf(db: Executor, requestKey: string): Promise<DeliveryRow[]> {
  return db
    .select()
    .from(notificationDeliveries)
    .where(and(eq(notificationDeliveries.requestKey, requestKey), inArray(notificationDeliveries.status, ['pending', 'held'])));
}

export async function deliveriesOf(db: Executor, requestKey: string): Promise<DeliveryRow[]> {
  return db.select().from(notificationDeliveries).where(eq(notificationDeliveries.requestKey, requestKey)).orderBy(notificationDeliveries.createdAt);
}

export async function findDelivery(db: Executor, id: string): Promise<{ delivery: DeliveryRow; webhook: WebhookRow | null } | null> {
  const [row] = await db
    .select({ delivery: notificationDeliveries, webhook: notificationWebhooks })
    .from(notificationDeliveries)
    .leftJoin(notificationWebhooks, eq(notificationWebhooks.id, notificationDeliveries.webhookId))
    .where(eq(notificationDeliveries.id, id));
  return row ?? null;
}

export async function markDeliveriesSent(db: Executor, ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(notificationDeliveries)
    .set({ status: 'sent', sentAt: now, updatedAt: now, lastError: null, attempts: sql`${notificationDeliveries.attempts} + 1` })
    .where(inArray(notificationDeliveries.id, ids));
}

/** Keeps the error visible; `final` moves the delivery to failed (no more retries will come). */
export async function recordDeliveryFailure(db: Executor, ids: string[], error: string, final: boolean, now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(notificationDeliveries)
    .set({
      attempts: sql`${notificationDeliveries.attempts} + 1`,
      lastError: error.slice(0, 2000),
      updatedAt: now,
      ...(final ? { status: 'failed' as const } : {}),
    })
    .where(inArray(notificationDeliveries.id, ids));
}

/** Whose held deliveries one digest gathers: a user's e-mails, or one webhook's posts. */
export type DigestTarget = { channel: 'email' | 'sms'; userId: string } | { channel: 'webhook'; webhookId: string };

/** Two-key advisory locks (class, target) live apart from the one-key locks used elsewhere. */
const digestLockClass = 1852073332; // 'nd' + 'gt'

/**
 * Takes for the digest `digestKey` every held delivery of the target whose hold ended by `until` and
 * that no other digest has taken, and returns all the deliveries this digest holds (those taken now
 * and, for a retried digest, those it took before), oldest first. Digests of one target take their
 * rows one at a time (a transaction lock), so concurrent digest jobs never split or share a batch.
 */
export async function claimDigest(db: Database, target: DigestTarget, until: Date, digestKey: string, now: Date): Promise<DeliveryRow[]> {
  const owner =
    target.channel === 'webhook'
      ? and(eq(notificationDeliveries.channel, 'webhook'), eq(notificationDeliveries.webhookId, target.webhookId))
      : and(eq(notificationDeliveries.channel, target.channel), eq(notificationDeliveries.userId, target.userId));
  const targetId = target.channel === 'webhook' ? target.webhookId : target.channel === 'email' ? target.userId : `sms/${target.userId}`;
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${digestLockClass}, hashtext(${targetId}))`);
    await tx
      .update(notificationDeliveries)
      .set({ digestKey, updatedAt: now })
      .where(and(owner, eq(notificationDeliveries.status, 'held'), isNull(notificationDeliveries.digestKey), lte(notificationDeliveries.heldUntil, until)));
    return tx
      .select()
      .from(notificationDeliveries)
      .where(and(eq(notificationDeliveries.digestKey, digestKey), eq(notificationDeliveries.status, 'held')))
      .orderBy(notificationDeliveries.createdAt, notificationDeliveries.id);
  });
}

export async function listDeliveries(
  db: Executor,
  filter: { status?: DeliveryRow['status']; requestKey?: string; channel?: DeliveryRow['channel'] },
  page: { page: number; pageSize: number },
): Promise<{ items: DeliveryRow[]; total: number }> {
  const where = and(
    filter.status ? eq(notificationDeliveries.status, filter.status) : undefined,
    filter.channel ? eq(notificationDeliveries.channel, filter.channel) : undefined,
    filter.requestKey ? eq(notificationDeliveries.requestKey, filter.requestKey) : undefined,
  );
  const [items, totals] = await Promise.all([
    db
      .select()
      .from(notificationDeliveries)
      .where(where)
      .orderBy(desc(notificationDeliveries.updatedAt))
      .limit(page.pageSize)
      .offset((page.page - 1) * page.pageSize),
    db.select({ total: count() }).from(notificationDeliveries).where(where),
  ]);
  return { items, total: totals[0]?.total ?? 0 };
}

// ---- preferences and webhooks ----------------------------------------------------------------

export interface PreferencesPatch {
  language?: Language | null;
  email?: string | null;
  emailEnabled?: boolean | null;
  smsEnabled?: boolean | null;
  webhooksEnabled?: boolean | null;
  timeZone?: string | null;
  quietStart?: string | null;
  quietEnd?: string | null;
  digestTime?: string | null;
}

export async function findUserPreferences(db: Executor, userId: string): Promise<PreferencesRow | null> {
  const [row] = await db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId));
  return row ?? null;
}

export async function upsertPreferences(
  db: Executor,
  owner: { userId: string } | { departmentId: string },
  patch: PreferencesPatch,
  now: Date,
): Promise<PreferencesRow> {
  const target = 'userId' in owner ? notificationPreferences.userId : notificationPreferences.departmentId;
  const [row] = await db
    .insert(notificationPreferences)
    .values({ ...owner, ...patch, updatedAt: now })
    .onConflictDoUpdate({ target, set: { ...patch, updatedAt: now } })
    .returning();
  return row!;
}

export async function insertWebhook(
  db: Executor,
  webhook: { departmentId: string; kind: WebhookKind; url: string; secret?: string | null; enabled?: boolean; language?: Language },
): Promise<WebhookRow> {
  const [row] = await db.insert(notificationWebhooks).values(webhook).returning();
  return row!;
}

export async function updateWebhook(
  db: Executor,
  departmentId: string,
  id: string,
  patch: Partial<Pick<WebhookRow, 'kind' | 'url' | 'secret' | 'enabled' | 'language'>>,
  now: Date,
): Promise<WebhookRow | null> {
  const [row] = await db
    .update(notificationWebhooks)
    .set({ ...patch, updatedAt: now })
    .where(and(eq(notificationWebhooks.id, id), eq(notificationWebhooks.departmentId, departmentId)))
    .returning();
  return row ?? null;
}

export async function deleteWebhook(db: Executor, departmentId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(notificationWebhooks)
    .where(and(eq(notificationWebhooks.id, id), eq(notificationWebhooks.departmentId, departmentId)))
    .returning({ id: notificationWebhooks.id });
  return rows.length > 0;
}

/** How many of the user's notifications are unread (the inbox badge, sent live on every change). */
export async function countUnread(db: Executor, userId: string): Promise<number> {
  const [row] = await db
    .select({ unread: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.unread ?? 0;
}
