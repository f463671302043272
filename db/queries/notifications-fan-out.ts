/**
 * The notification fan-out's hot path: the statements every notification runs, each taking the
 * requests of MANY concurrent jobs at once (see db/group-commit.ts). Raw postgres.js
 * with fixed SQL text, so each connection prepares them once, and one JSON parameter per batch, so
 * a batch of any size is the same statement. Column names follow db/schema/notifications.ts and
 * db/schema/org.ts; tests/integration/notifications cover every field they carry.
 */
import { postgresClientOf, type Database } from '../client';
import type { DepartmentChannels, NewDeliveryRow, NewInboxRow, PreferencesRow, RecipientUser, WebhookRow } from './notifications';

/** Who a request reaches, as booleans the statement can apply to any number of requests. */
export interface AudienceQuery {
  departmentId: string | null;
  withWebhooks: boolean;
  departmentStaff: boolean;
  departmentLeader: boolean;
  supervisors: boolean;
  /** Named people (issuer, requester). */
  userIds: string[];
}

export interface AudienceRows {
  department: DepartmentChannels | null;
  /** Active users only, each once. */
  recipients: RecipientUser[];
}

const preferencesJson = (p: string) => `json_build_object(
  'id', ${p}.id, 'userId', ${p}.user_id, 'departmentId', ${p}.department_id, 'language', ${p}.language, 'email', ${p}.email,
  'emailEnabled', ${p}.email_enabled, 'smsEnabled', ${p}.sms_enabled, 'webhooksEnabled', ${p}.webhooks_enabled, 'timeZone', ${p}.time_zone,
  'quietStart', ${p}.quiet_start, 'quietEnd', ${p}.quiet_end, 'digestTime', ${p}.digest_time, 'updatedAt', ${p}.updated_at)`;

/** Per request: its department with channel settings and webhooks, and its recipients with their preferences. */
const audiencesStatement = `
select
  (select json_build_object('id', d.id, 'name', d.name, 'nameEn', d.name_en, 'leaderUserId', d.leader_user_id)
     from departments d where d.id = r."departmentId") as department,
  (select ${preferencesJson('p')} from notification_preferences p where p.department_id = r."departmentId") as "departmentPreferences",
  (select coalesce(json_agg(json_build_object(
            'id', w.id, 'departmentId', w.department_id, 'kind', w.kind, 'url', w.url, 'secret', w.secret, 'enabled', w.enabled,
            'language', w.language, 'createdAt', w.created_at, 'updatedAt', w.updated_at) order by w.created_at), '[]'::json)
     from notification_webhooks w where r."withWebhooks" and w.department_id = r."departmentId") as webhooks,
  (select coalesce(json_agg(json_build_object(
            'id', u.id, 'role', u.role, 'departmentId', u.department_id, 'phone', u.phone,
            'preferences', case when p.id is null then null else ${preferencesJson('p')} end)), '[]'::json)
     from users u left join notification_preferences p on p.user_id = u.id
     where not u.disabled and (
          (r."departmentStaff" and u.role = 'department' and u.department_id = r."departmentId")
       or (r."departmentLeader" and u.id = (select d.leader_user_id from departments d where d.id = r."departmentId"))
       or (r.supervisors and u.role = 'supervisor')
       or u.id = any(r."userIds"))) as recipients
from json_to_recordset($1::text::json) as r(
  i int, "departmentId" uuid, "withWebhooks" boolean, "departmentStaff" boolean, "departmentLeader" boolean, supervisors boolean, "userIds" uuid[])
order by r.i`;

type JsonPreferences = Omit<PreferencesRow, 'updatedAt'> & { updatedAt: string };
type JsonWebhook = Omit<WebhookRow, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };
interface AudienceResultRow {
  department: DepartmentChannels['department'] | null;
  departmentPreferences: JsonPreferences | null;
  webhooks: JsonWebhook[];
  recipients: Array<Omit<RecipientUser, 'preferences'> & { preferences: JsonPreferences | null }>;
}

/** One round trip for any number of requests; results in the order of `queries`. */
export async function findAudiences(db: Database, queries: AudienceQuery[]): Promise<AudienceRows[]> {
  if (queries.length === 0) return [];
  const input = JSON.stringify(queries.map((query, i) => ({ i, ...query })));
  const rows = await postgresClientOf(db).unsafe<AudienceResultRow[]>(audiencesStatement, [input], { prepare: true });
  return rows.map((row) => ({
    department: row.department
      ? {
          department: row.department,
          preferences: preferencesFromJson(row.departmentPreferences),
          webhooks: row.webhooks.map((w) => ({ ...w, createdAt: new Date(w.createdAt), updatedAt: new Date(w.updatedAt) })),
        }
      : null,
    recipients: row.recipients.map((user) => ({ ...user, preferences: preferencesFromJson(user.preferences) })),
  }));
}

function preferencesFromJson(json: JsonPreferences | null): PreferencesRow | null {
  return json ? { ...json, updatedAt: new Date(json.updatedAt) } : null;
}

/**
 * Inbox rows and the delivery ledger of many requests in one statement (one transaction). Rows go in
 * key order so that two batches racing on the same keys lock them in the same order. Existing
 * (dedupe key, user) inbox rows and existing delivery dedupe keys are left as they are.
 */
const inboxAndLedgerStatement = `
with inbox as (
  insert into notifications (dedupe_key, user_id, event, urgent, item_id, task_id, subject, body, data, occurred_at)
  select r."dedupeKey", r."userId", r.event, r.urgent, r."itemId", r."taskId", r.subject, r.body, r.data, r."occurredAt"
  from json_to_recordset($1::text::json) as r(
    "dedupeKey" text, "userId" uuid, event text, urgent boolean, "itemId" text, "taskId" text, subject text, body text, data jsonb, "occurredAt" timestamptz)
  order by r."dedupeKey", r."userId"
  on conflict (dedupe_key, user_id) do nothing
)
insert into notification_deliveries (id, dedupe_key, request_key, channel, user_id, webhook_id, target, language, subject, body, payload, status, held_until)
select r.id, r."dedupeKey", r."requestKey", r.channel, r."userId", r."webhookId", r.target, coalesce(r.language, 'zh'), r.subject, r.body, r.payload,
       coalesce(r.status, 'pending'), r."heldUntil"
from json_to_recordset($2::text::json) as r(
  id uuid, "dedupeKey" text, "requestKey" text, channel text, "userId" uuid, "webhookId" uuid, target text, language text, subject text, body text,
  payload jsonb, status text, "heldUntil" timestamptz)
order by r."dedupeKey"
on conflict (dedupe_key) do nothing
returning id`;

export interface InboxAndLedgerRows {
  inbox: NewInboxRow[];
  /** Every row needs its `id`: the caller learns by id which of its deliveries it created. */
  deliveries: Array<NewDeliveryRow & { id: string }>;
}

/** Writes every batch's rows; per batch, the ids of the deliveries it created (not those that already existed). */
export async function writeInboxAndLedger(db: Database, batches: InboxAndLedgerRows[]): Promise<Array<Set<string>>> {
  const inbox = batches.flatMap((b) => b.inbox);
  const deliveries = batches.flatMap((b) => b.deliveries);
  if (inbox.length === 0 && deliveries.length === 0) return batches.map(() => new Set());
  const created = await postgresClientOf(db).unsafe<Array<{ id: string }>>(inboxAndLedgerStatement, [JSON.stringify(inbox), JSON.stringify(deliveries)], { prepare: true });
  const createdIds = new Set(created.map((row) => row.id));
  return batches.map((b) => new Set(b.deliveries.filter((d) => createdIds.has(d.id)).map((d) => d.id)));
}

const markSentStatement = `
update notification_deliveries d
set status = 'sent', sent_at = s.at, updated_at = s.at, last_error = null, attempts = d.attempts + 1
from json_to_recordset($1::text::json) as s(id uuid, at timestamptz)
where d.id = s.id`;

/** Marks many deliveries sent, each at its own instant; one statement. */
export async function markDeliveriesSentAt(db: Database, sent: Array<{ id: string; at: Date }>): Promise<void> {
  if (sent.length === 0) return;
  await postgresClientOf(db).unsafe(markSentStatement, [JSON.stringify(sent)], { prepare: true });
}

