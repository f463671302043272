import { randomUUID } from 'node:crypto';
import type { Language } from '../../db/schema/notifications';
import {
  findDepartmentChannels,
  findRecipientUsers,
  insertDeliveries,
  insertInboxRows,
  openDeliveriesOf,
  type DepartmentChannels,
  type NewDeliveryRow,
  type NewInboxRow,
  type RecipientUser,
} from '../../db/queries/notifications';
import { webhookBody, type GenericWebhookBody } from './channels/webhook';
import type { NotificationDeps } from './deps';
import { deliverJobName, deliverJobOptions, digestJobName, digestJobOptions } from './jobs';
import { renderMessage, type MessageContext } from './messages';
import { holdUntil } from './quiet-hours';
import { audienceFor } from './recipients';
import { alwaysUrgentEvents, type NotificationRequest } from './request';

const defaultTimeZone = 'Asia/Shanghai';

export interface FanOutResult {
  recipients: number;
  deliveriesQueued: number;
  deliveriesHeld: number;
}

/**
 * Turns one request into inbox rows (written here, in one transaction with the delivery ledger) and
 * one `deliver` job per e-mail / webhook delivery. Safe to run again for the same request: rows are
 * keyed by dedupe keys, and only deliveries still open are (re-)enqueued under stable job ids.
 */
export async function fanOut(deps: NotificationDeps, request: NotificationRequest): Promise<FanOutResult> {
  const now = deps.now();
  const urgent = request.urgent || alwaysUrgentEvents.has(request.event);
  const audience = audienceFor(request);
  const namedUsers = [audience.issuer ? request.issuedByUserId : undefined, audience.requester ? request.requesterUserId : undefined].filter(
    (id): id is string => Boolean(id),
  );
  // Reads in parallel; every write below is idempotent, so a crash halfway is repaired by the job's retry.
  const [department, recipients] = await Promise.all([
    request.departmentId ? findDepartmentChannels(deps.db, request.departmentId, { withWebhooks: audience.departmentStaff }) : null,
    findRecipientUsers(deps.db, {
      departmentStaffOf: audience.departmentStaff ? request.departmentId : undefined,
      leaderOf: audience.departmentLeader ? request.departmentId : undefined,
      supervisors: audience.supervisors,
      userIds: namedUsers,
    }),
  ]);

  const context: MessageContext = department ? { department: department.department } : {};
  const rendered = memoize((language: Language) => renderMessage(request, language, context));

  const inbox: NewInboxRow[] = recipients.map((user) => {
    const message = rendered(user.preferences?.language ?? 'zh');
    return {
      dedupeKey: request.dedupeKey,
      userId: user.id,
      event: request.event,
      urgent,
      itemId: request.itemId,
      taskId: request.taskId ?? null,
      subject: message.subject,
      body: message.body,
      data: request,
      occurredAt: new Date(request.occurredAt),
    };
  });

  const deliveries: NewDeliveryRow[] = [];
  if (deps.mailer) {
    for (const user of recipients) {
      const address = emailAddressOf(user, request, department);
      if (!address) continue;
      const language = user.preferences?.language ?? 'zh';
      const message = rendered(language);
      const heldUntil = holdUntil(
        now,
        {
          timeZone: user.preferences?.timeZone ?? defaultTimeZone,
          quietStart: user.preferences?.quietStart,
          quietEnd: user.preferences?.quietEnd,
          digestTime: user.preferences?.digestTime,
        },
        urgent,
      );
      deliveries.push({
        id: randomUUID(),
        dedupeKey: `${request.dedupeKey}/email/${user.id}`,
        requestKey: request.dedupeKey,
        channel: 'email',
        userId: user.id,
        target: address,
        language,
        subject: message.subject,
        body: message.body,
        status: heldUntil ? 'held' : 'pending',
        heldUntil,
      });
    }
  }
  // Group robots speak for the department, so they hear what its staff hear.
  if (department && audience.departmentStaff && department.preferences?.webhooksEnabled !== false) {
    for (const webhook of department.webhooks.filter((w) => w.enabled)) {
      const id = randomUUID();
      const message = rendered(webhook.language);
      const generic: GenericWebhookBody = {
        id,
        event: request.event,
        urgent,
        subject: message.subject,
        text: message.body,
        markdown: message.markdown,
        item: { id: request.itemId, code: request.itemCode, title: request.itemTitle },
        taskId: request.taskId,
        departmentId: request.departmentId,
        occurredAt: request.occurredAt,
      };
      deliveries.push({
        id,
        dedupeKey: `${request.dedupeKey}/webhook/${webhook.id}`,
        requestKey: request.dedupeKey,
        channel: 'webhook',
        webhookId: webhook.id,
        target: webhook.url.split('?')[0] ?? webhook.url,
        language: webhook.language,
        subject: message.subject,
        body: message.markdown,
        payload: webhookBody(webhook.kind, message, generic),
      });
    }
  }

  // Inbox first: the in-app channel never waits on the others.
  await insertInboxRows(deps.db, inbox);
  const inserted = await insertDeliveries(deps.db, deliveries);
  // A rerun finds its deliveries already there: re-enqueue those still open (stable job ids dedupe).
  const open = inserted.length === deliveries.length ? inserted : await openDeliveriesOf(deps.db, request.dedupeKey);

  const pending = open.filter((d) => d.status === 'pending');
  const held = open.filter((d) => d.status === 'held' && d.userId && d.heldUntil);
  const digests = new Map<string, { userId: string; until: Date }>();
  for (const d of held) digests.set(`${d.userId}-${d.heldUntil!.getTime()}`, { userId: d.userId!, until: d.heldUntil! });
  const jobs = [
    ...pending.map((d) => ({ name: deliverJobName, data: { deliveryId: d.id }, opts: deliverJobOptions(d.id, deps.delivery) })),
    ...[...digests.values()].map((digest) => ({
      name: digestJobName,
      data: { userId: digest.userId, until: digest.until.toISOString() },
      opts: digestJobOptions(digest.userId, digest.until, now, deps.delivery),
    })),
  ];
  if (jobs.length > 0) await deps.queues.notifications.addBulk(jobs);
  return { recipients: recipients.length, deliveriesQueued: pending.length, deliveriesHeld: held.length };
}

/** A user's address when they want e-mail and, for the task's own staff, their department allows it. */
function emailAddressOf(user: RecipientUser, request: NotificationRequest, department: DepartmentChannels | null): string | null {
  const preferences = user.preferences;
  if (!preferences?.email || preferences.emailEnabled === false) return null;
  const ownStaff = user.role === 'department' && user.departmentId === request.departmentId;
  if (ownStaff && department?.preferences?.emailEnabled === false) return null;
  return preferences.email;
}

function memoize<K, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, compute(key));
    return cache.get(key)!;
  };
}
