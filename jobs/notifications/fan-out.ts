import { randomUUID } from 'node:crypto';
import type { Language } from '../../db/schema/notifications';
import {
  openDeliveriesOf,
  type DepartmentChannels,
  type NewDeliveryRow,
  type NewInboxRow,
  type PreferencesRow,
  type RecipientUser,
} from '../../db/queries/notifications';
import { createNotificationBatches } from './batches';
import { webhookBody, type GenericWebhookBody, type WebhookTarget } from './channels/webhook';
import { firstWebhookTry } from './deliver';
import type { NotificationDeps } from './deps';
import { deliverJobName, deliverJobOptions, deliverRetryJobOptions, digestJobName, digestJobOptions } from './jobs';
import { renderMessage, type MessageContext } from './messages';
import { holdUntil, type DeliveryWindow } from './quiet-hours';
import { audienceFor } from './recipients';
import { renderSms, shortParam, smsTypeOfEvent } from './sms-messages';
import { alwaysUrgentEvents, type NotificationRequest } from './request';

const defaultTimeZone = 'Asia/Shanghai';

export interface FanOutResult {
  recipients: number;
  /** Webhooks that went out on their first try, inside this job. */
  webhooksSent: number;
  /** `deliver` jobs enqueued: e-mails, webhook retries, and deliveries an earlier run left open. */
  deliveriesQueued: number;
  deliveriesHeld: number;
}

/**
 * Turns one request into inbox rows (written here, in one transaction with the delivery ledger),
 * a first try of each webhook right here, and one `deliver` job per e-mail (or webhook whose first
 * try failed). What is not urgent waits, `held` in the ledger, for the end of quiet hours or for the
 * daily digest (a user's for their e-mail, the department's for its webhooks), with a `digest` job
 * due then; the inbox gets it at once. Safe to run again for the same request: rows are keyed by
 * dedupe keys, only the run that created a delivery row tries it inline, and deliveries still open
 * are (re-)enqueued under stable job ids.
 */
export async function fanOut(deps: NotificationDeps, request: NotificationRequest): Promise<FanOutResult> {
  const own = { ...deps, batches: deps.batches ?? createNotificationBatches(deps.db) };
  const now = deps.now();
  const urgent = request.urgent || alwaysUrgentEvents.has(request.event);
  const audience = audienceFor(request);
  const namedUsers = [
    audience.issuer ? request.issuedByUserId : undefined,
    audience.requester ? request.requesterUserId : undefined,
    // The task's named person hears of what the department hears of.
    audience.departmentStaff || audience.requester ? request.assigneeUserId : undefined,
  ].filter(
    (id): id is string => Boolean(id),
  );
  // Every write below is idempotent, so a crash halfway is repaired by the job's retry.
  const { department, recipients } = await own.batches.audiences.submit({
    departmentId: request.departmentId ?? null,
    withWebhooks: audience.departmentStaff,
    departmentStaff: audience.departmentStaff,
    departmentLeader: audience.departmentLeader,
    supervisors: audience.supervisors,
    userIds: namedUsers,
  });

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

  const deliveries: Array<NewDeliveryRow & { id: string }> = [];
  const webhookOf = new Map<string, WebhookTarget>();
  if (deps.mailer) {
    for (const user of recipients) {
      const address = emailAddressOf(user, request, department);
      if (!address) continue;
      const language = user.preferences?.language ?? 'zh';
      const message = rendered(language);
      const heldUntil = holdUntil(now, windowOf(user.preferences), urgent);
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
  deliveries.push(...smsDeliveries(request, recipients, department, now, urgent));
  // Group robots speak for the department, so they hear what its staff hear, and keep its quiet hours.
  if (department && audience.departmentStaff && department.preferences?.webhooksEnabled !== false) {
    const heldUntil = holdUntil(now, windowOf(department.preferences), urgent);
    for (const webhook of department.webhooks.filter((w) => w.enabled)) {
      const id = randomUUID();
      webhookOf.set(id, webhook);
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
        status: heldUntil ? 'held' : 'pending',
        heldUntil,
      });
    }
  }

  const created = await own.batches.inboxAndLedger.submit({ inbox, deliveries });
  // A rerun (or a duplicate job) finds deliveries another run created: those still open are re-enqueued.
  const others = created.size === deliveries.length ? [] : (await openDeliveriesOf(deps.db, request.dedupeKey)).filter((d) => !created.has(d.id));
  const mine = deliveries.filter((d) => created.has(d.id));

  const firstTries = mine.filter((d) => d.channel === 'webhook' && d.status !== 'held');
  const pushes = [...mine, ...others].filter((d) => (d.channel === 'email' || d.channel === 'sms') && d.status !== 'held');
  // Another run made (or is making) their first try; its job comes after that try has ended or timed out.
  const othersWebhooks = others.filter((d) => d.channel === 'webhook' && d.status === 'pending');
  // One digest job per held delivery (see jobs.ts); the first of a target's to run sends them all.
  const held = [...mine, ...others].filter((d) => d.status === 'held' && d.heldUntil);
  const jobs = [
    ...pushes.map((d) => ({ name: deliverJobName, data: { deliveryId: d.id }, opts: deliverJobOptions(d.id, deps.delivery) })),
    ...othersWebhooks.map((d) => ({
      name: deliverJobName,
      data: { deliveryId: d.id },
      opts: deliverRetryJobOptions(d.id, deps.delivery, deps.delivery.attempts - d.attempts, deps.delivery.webhookTimeoutMs + deps.delivery.backoffMs),
    })),
    ...held.map((d) => ({
      name: digestJobName,
      data: { deliveryId: d.id },
      opts: digestJobOptions(d.id, d.heldUntil!, now, deps.delivery),
    })),
  ];
  const [queued, ...tries] = await Promise.allSettled([
    jobs.length > 0 ? deps.queues.notifications.addBulk(jobs) : Promise.resolve([]),
    ...firstTries.map((d) => firstWebhookTry(own, d, webhookOf.get(d.id)!)),
  ]);
  for (const settled of [queued, ...tries]) if (settled.status === 'rejected') throw settled.reason;
  const outcomes = tries.map((t) => (t.status === 'fulfilled' ? t.value : 'failed'));
  return {
    recipients: recipients.length,
    webhooksSent: outcomes.filter((o) => o === 'sent').length,
    deliveriesQueued: jobs.length - held.length + outcomes.filter((o) => o === 'retrying').length,
    deliveriesHeld: held.length,
  };
}

/** Quiet hours and digest time of a user (their e-mail) or a department (its webhooks). */
function windowOf(preferences: PreferencesRow | null | undefined): DeliveryWindow {
  return {
    timeZone: preferences?.timeZone ?? defaultTimeZone,
    quietStart: preferences?.quietStart,
    quietEnd: preferences?.quietEnd,
    digestTime: preferences?.digestTime,
  };
}

/** A user's address when they want e-mail and, for the task's own staff, their department allows it. */
function emailAddressOf(user: RecipientUser, request: NotificationRequest, department: DepartmentChannels | null): string | null {
  const preferences = user.preferences;
  if (!preferences?.email || preferences.emailEnabled === false) return null;
  const ownStaff = user.role === 'department' && user.departmentId === request.departmentId;
  if (ownStaff && department?.preferences?.emailEnabled === false) return null;
  return preferences.email;
}

/**
 * One SMS per recipient who chose SMS and has a phone, for the events that go by SMS (dispatch, urges,
 * red lights); the department may switch SMS off for its own staff, as it may e-mail. Held by the
 * user's quiet hours like their e-mail (red lights and urges are urgent: never held).
 */
function smsDeliveries(
  request: NotificationRequest,
  recipients: RecipientUser[],
  department: DepartmentChannels | null,
  now: Date,
  urgent: boolean,
): Array<NewDeliveryRow & { id: string }> {
  const message = smsTypeOfEvent(request.event);
  if (!message) return [];
  const params = { title: shortParam(request.itemTitle), code: request.itemCode ?? '' };
  return recipients.flatMap((user) => {
    const preferences = user.preferences;
    if (!user.phone || preferences?.smsEnabled !== true) return [];
    const ownStaff = user.role === 'department' && user.departmentId === request.departmentId;
    if (ownStaff && department?.preferences?.smsEnabled === false) return [];
    const language = preferences.language ?? 'zh';
    const text = renderSms(message, language, params);
    const heldUntil = holdUntil(now, windowOf(preferences), urgent);
    return [
      {
        id: randomUUID(),
        dedupeKey: `${request.dedupeKey}/sms/${user.id}`,
        requestKey: request.dedupeKey,
        channel: 'sms' as const,
        userId: user.id,
        target: user.phone,
        language,
        subject: text,
        body: text,
        payload: { message, params },
        status: heldUntil ? ('held' as const) : ('pending' as const),
        heldUntil,
      },
    ];
  });
}

function memoize<K, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, compute(key));
    return cache.get(key)!;
  };
}
