/** The decisions behind the notification routes: whose inbox, which department, what a setting may be. */
import { eq } from 'drizzle-orm';
import {
  deleteWebhook,
  findDepartmentChannels,
  findUserPreferences,
  insertWebhook,
  listDeliveries,
  listInbox,
  markInboxRead,
  readReceiptsOfTask,
  updateWebhook,
  upsertPreferences,
  type PreferencesPatch,
  type PreferencesRow,
  type WebhookRow,
} from '../../../db/queries/notifications';
import type { DeliveryStatus, Language, NotificationChannel, WebhookKind } from '../../../db/schema/notifications';
import { findUserPhone } from '../../../db/queries/users';
import { maskPhone } from '../../../domain/appeals';
import { departments } from '../../../db/schema/org';
import type { SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { literalAddressProblem, parseAllowList } from '../../../jobs/notifications/channels/outbound-address';
import { AppError, fieldError, ruleRefusal } from '../../errors';

/** Dates → ISO strings, as on the wire. */
function wire<T extends object>(row: T): { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] } {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])) as never;
}

export async function inboxOf(deps: ApiDeps, user: SessionUser, query: { page: number; pageSize: number; unread?: boolean }) {
  const found = await listInbox(deps.database.db, user.id, { page: query.page, pageSize: query.pageSize, unreadOnly: query.unread });
  return { ...found, items: found.items.map(wire), page: query.page, pageSize: query.pageSize };
}

export async function readInboxItem(deps: ApiDeps, user: SessionUser, id: string) {
  const row = await markInboxRead(deps.database.db, user.id, id, new Date());
  if (!row) throw new AppError('not_found', 'No such notification in your inbox.');
  return wire(row);
}

/** A user's settings with the defaults filled in (inbox always on; zh; Beijing time). */
export function userPreferencesView(row: PreferencesRow | null, phone: string | null = null) {
  return {
    language: row?.language ?? ('zh' as Language),
    email: row?.email ?? null,
    emailEnabled: row?.email ? row.emailEnabled !== false : false,
    smsEnabled: row?.smsEnabled === true,
    hasPhone: Boolean(phone),
    timeZone: row?.timeZone ?? 'Asia/Shanghai',
    quietStart: row?.quietStart ?? null,
    quietEnd: row?.quietEnd ?? null,
    digestTime: row?.digestTime ?? null,
  };
}

export async function preferencesOf(deps: ApiDeps, user: SessionUser) {
  const [row, phone] = await Promise.all([findUserPreferences(deps.database.db, user.id), findUserPhone(deps.database.db, user.id)]);
  return userPreferencesView(row, phone);
}

function checkQuietHours(patch: Pick<PreferencesPatch, 'quietStart' | 'quietEnd'>) {
  if ((patch.quietStart === undefined) !== (patch.quietEnd === undefined)) {
    const missing = patch.quietStart === undefined ? 'body.quietStart' : 'body.quietEnd';
    throw fieldError(
      'validation_failed',
      missing,
      'quietStart and quietEnd are set together (null both to turn quiet hours off).',
      '免打扰开始与结束时间须同时填写（两者都设为空则关闭免打扰）',
    );
  }
}

export async function changePreferences(deps: ApiDeps, user: SessionUser, patch: PreferencesPatch) {
  checkQuietHours(patch);
  const phone = await findUserPhone(deps.database.db, user.id);
  if (patch.smsEnabled && !phone) throw ruleRefusal('body.smsEnabled', 'no phone number is kept for you: ask an admin to add it', '您的账号还没有手机号，请管理员添加后再开启短信');
  return userPreferencesView(await upsertPreferences(deps.database.db, { userId: user.id }, patch, new Date()), phone);
}

/** Secrets are write-only: answers say whether one is set, never what it is. */
export function webhookView(row: WebhookRow) {
  const { secret, ...rest } = row;
  return { ...rest, hasSecret: Boolean(secret), createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

async function departmentChannelsOrThrow(deps: ApiDeps, departmentId: string) {
  const found = await findDepartmentChannels(deps.database.db, departmentId);
  if (!found) throw new AppError('not_found', 'No such department.');
  return found;
}

export async function departmentChannelsOf(deps: ApiDeps, departmentId: string) {
  const found = await departmentChannelsOrThrow(deps, departmentId);
  return {
    departmentId,
    emailEnabled: found.preferences?.emailEnabled !== false,
    smsEnabled: found.preferences?.smsEnabled !== false,
    webhooksEnabled: found.preferences?.webhooksEnabled !== false,
    timeZone: found.preferences?.timeZone ?? 'Asia/Shanghai',
    quietStart: found.preferences?.quietStart ?? null,
    quietEnd: found.preferences?.quietEnd ?? null,
    digestTime: found.preferences?.digestTime ?? null,
    webhooks: found.webhooks.map(webhookView),
  };
}

/** Quiet hours and the digest time of a department hold its webhooks' posts (its staff's e-mail follows their own). */
export async function changeDepartmentChannels(
  deps: ApiDeps,
  departmentId: string,
  patch: Pick<PreferencesPatch, 'emailEnabled' | 'smsEnabled' | 'webhooksEnabled' | 'timeZone' | 'quietStart' | 'quietEnd' | 'digestTime'>,
) {
  checkQuietHours(patch);
  await departmentChannelsOrThrow(deps, departmentId);
  await upsertPreferences(deps.database.db, { departmentId }, patch, new Date());
  return departmentChannelsOf(deps, departmentId);
}

/**
 * A URL written with an internal address (or localhost) is refused when saved, unless the admin
 * allowed it in WEBHOOK_ALLOW_HOSTS. Names are checked again, resolved, at every send.
 */
export function checkWebhookUrl(deps: Pick<ApiDeps, 'config'>, url: string | null | undefined, field = 'body.url'): void {
  if (url === undefined || url === null) return;
  const problem = literalAddressProblem(new URL(url), parseAllowList(deps.config.WEBHOOK_ALLOW_HOSTS));
  if (!problem) return;
  throw fieldError(
    'validation_failed',
    field,
    `must reach a public address: ${problem}`,
    '网络钩子地址必须是公网地址，不能指向本机、内网或云元数据地址（如确需使用，请由管理员在 WEBHOOK_ALLOW_HOSTS 中放行）',
    `${field} must reach a public address: ${problem}`,
  );
}

export async function addWebhook(
  deps: ApiDeps,
  departmentId: string,
  input: { kind: WebhookKind; url: string; secret?: string | null; enabled?: boolean; language?: Language },
) {
  checkWebhookUrl(deps, input.url);
  const [department] = await deps.database.db.select({ id: departments.id }).from(departments).where(eq(departments.id, departmentId));
  if (!department) throw new AppError('not_found', 'No such department.');
  return webhookView(await insertWebhook(deps.database.db, { departmentId, ...input }));
}

export async function changeWebhook(
  deps: ApiDeps,
  departmentId: string,
  id: string,
  patch: Partial<{ kind: WebhookKind; url: string; secret: string | null; enabled: boolean; language: Language }>,
) {
  checkWebhookUrl(deps, patch.url);
  const row = await updateWebhook(deps.database.db, departmentId, id, patch, new Date());
  if (!row) throw new AppError('not_found', 'No such webhook.');
  return webhookView(row);
}

export async function removeWebhook(deps: ApiDeps, departmentId: string, id: string) {
  if (!(await deleteWebhook(deps.database.db, departmentId, id))) throw new AppError('not_found', 'No such webhook.');
}

export async function deliveriesPage(
  deps: ApiDeps,
  query: { page: number; pageSize: number; status?: DeliveryStatus; requestKey?: string; channel?: NotificationChannel },
) {
  const found = await listDeliveries(deps.database.db, { status: query.status, requestKey: query.requestKey, channel: query.channel }, query);
  // The ledger traces state; nobody calls from it, so SMS numbers are masked (domain maskPhone).
  const items = found.items.map((row) => wire(row.channel === 'sms' ? { ...row, target: maskPhone(row.target) } : row));
  return { ...found, items, page: query.page, pageSize: query.pageSize };
}

export async function readReceipts(deps: ApiDeps, taskId: string) {
  return { taskId, receipts: (await readReceiptsOfTask(deps.database.db, taskId)).map(wire) };
}
