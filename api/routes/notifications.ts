import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { deliveryStatuses, languages, notificationChannels, webhookKinds } from '../../db/schema/notifications';
import { timeOfDayPattern } from '../../jobs/notifications/quiet-hours';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';
import { errorBody, idParams } from '../schemas/errors';
import { pageOf, pageQuery } from '../schemas/pagination';
import {
  addWebhook,
  changeDepartmentChannels,
  changePreferences,
  changeWebhook,
  deliveriesPage,
  departmentChannelsOf,
  inboxOf,
  preferencesOf,
  readInboxItem,
  readReceipts,
  removeWebhook,
} from '../services/notifications/notifications';
import { ownMessages } from '../validation-messages';

const iso = z.string();
const isoOrNull = z.string().nullable();

const inboxItem = z.object({
  id: z.string(),
  event: z.string(),
  urgent: z.boolean(),
  itemId: z.string(),
  taskId: z.string().nullable(),
  subject: z.string(),
  body: z.string(),
  data: z.unknown(),
  occurredAt: iso,
  createdAt: iso,
  readAt: isoOrNull,
});

const timeOfDay = z.string().regex(timeOfDayPattern, ownMessages.timeOfDay.en);
const timeZone = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, ownMessages.timeZone.en);

const userPreferences = z.object({
  language: z.enum(languages),
  email: z.string().nullable(),
  emailEnabled: z.boolean(),
  /** SMS to the phone an admin keeps on the user (dispatches, urges, red lights). */
  smsEnabled: z.boolean(),
  /** Whether the user has a phone for SMS (an admin sets it). */
  hasPhone: z.boolean(),
  timeZone: z.string(),
  quietStart: z.string().nullable(),
  quietEnd: z.string().nullable(),
  digestTime: z.string().nullable(),
});

/** Quiet hours and the daily digest, set alike for a user and for a department's webhooks. */
const quietHoursInput = {
  timeZone: timeZone.nullable(),
  quietStart: timeOfDay.nullable(),
  quietEnd: timeOfDay.nullable(),
  digestTime: timeOfDay.nullable(),
};

const userPreferencesInput = z
  .object({
    language: z.enum(languages),
    email: z.email().max(254).nullable(),
    emailEnabled: z.boolean(),
    smsEnabled: z.boolean(),
    ...quietHoursInput,
  })
  .partial()
  .strict();

const webhook = z.object({
  id: z.string(),
  departmentId: z.string(),
  kind: z.enum(webhookKinds),
  url: z.string(),
  hasSecret: z.boolean(),
  enabled: z.boolean(),
  language: z.enum(languages),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const webhookInput = z
  .object({
    kind: z.enum(webhookKinds),
    url: z.url({ protocol: /^https?$/ }).max(2000),
    secret: z.string().min(1).max(200).nullable().optional(),
    enabled: z.boolean().optional(),
    language: z.enum(languages).optional(),
  })
  .strict();

const departmentChannels = z.object({
  departmentId: z.string(),
  emailEnabled: z.boolean(),
  smsEnabled: z.boolean(),
  webhooksEnabled: z.boolean(),
  /** The department's quiet hours and daily digest: they hold its webhooks' non-urgent posts. */
  timeZone: z.string(),
  quietStart: z.string().nullable(),
  quietEnd: z.string().nullable(),
  digestTime: z.string().nullable(),
  webhooks: z.array(webhook),
});

const departmentChannelsInput = z
  .object({
    emailEnabled: z.boolean(),
    smsEnabled: z.boolean(),
    webhooksEnabled: z.boolean(),
    ...quietHoursInput,
  })
  .partial()
  .strict();

const delivery = z.object({
  id: z.string(),
  requestKey: z.string(),
  channel: z.enum(notificationChannels),
  userId: z.string().nullable(),
  webhookId: z.string().nullable(),
  target: z.string(),
  subject: z.string(),
  status: z.enum(deliveryStatuses),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  /** SMS: the provider's message id. */
  providerMessageId: z.string().nullable(),
  heldUntil: isoOrNull,
  createdAt: iso,
  updatedAt: iso,
  sentAt: isoOrNull,
});

const receipt = z.object({ notificationId: z.string(), userId: z.string(), event: z.string(), dedupeKey: z.string(), createdAt: iso, readAt: isoOrNull });

const webhookParams = z.object({ id: z.uuid(), webhookId: z.uuid() });
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody };
const tags = ['notifications'];

/** The inbox, each user's own notification settings, and the admin's department channels and delivery ledger. */
export function notificationRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/inbox',
      {
        config: { access: 'user' },
        schema: {
          tags,
          summary: 'My notifications, newest first, with the unread count',
          querystring: pageQuery.extend({ unread: z.enum(['true', 'false']).transform((v) => v === 'true').optional() }),
          response: { 200: pageOf(inboxItem).extend({ unread: z.number().int() }), ...errors },
        },
      },
      async (request) => inboxOf(deps, requireUser(request), request.query),
    );
    app.post(
      '/api/inbox/:id/read',
      { config: { access: 'user' }, schema: { tags, summary: 'Mark one notification read (the first read time is kept)', params: idParams, response: { 200: inboxItem, ...errors } } },
      async (request) => readInboxItem(deps, requireUser(request), request.params.id),
    );

    app.get(
      '/api/me/notification-preferences',
      { config: { access: 'user' }, schema: { tags, summary: 'My notification settings', response: { 200: userPreferences, ...errors } } },
      async (request) => preferencesOf(deps, requireUser(request)),
    );
    app.put(
      '/api/me/notification-preferences',
      {
        config: { access: 'user' },
        schema: { tags, summary: 'Change my language, e-mail, quiet hours and digest time', body: userPreferencesInput, response: { 200: userPreferences, ...errors } },
      },
      async (request) => changePreferences(deps, requireUser(request), request.body),
    );

    app.get(
      '/api/departments/:id/notification-channels',
      { config: { access: ['admin'] }, schema: { tags, summary: "A department's channels and webhooks", params: idParams, response: { 200: departmentChannels, ...errors } } },
      async (request) => departmentChannelsOf(deps, request.params.id),
    );
    app.put(
      '/api/departments/:id/notification-channels',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          summary: "Switch e-mail to the staff and the webhooks of a department on or off; set its webhooks' quiet hours and daily digest time",
          params: idParams,
          body: departmentChannelsInput,
          response: { 200: departmentChannels, ...errors },
        },
      },
      async (request) => changeDepartmentChannels(deps, request.params.id, request.body),
    );
    app.post(
      '/api/departments/:id/webhooks',
      {
        config: { access: ['admin'] },
        schema: { tags, summary: 'Add a webhook (generic signed JSON, WeCom or DingTalk group robot)', params: idParams, body: webhookInput, response: { 201: webhook, ...errors } },
      },
      async (request, reply) => reply.code(201).send(await addWebhook(deps, request.params.id, request.body)),
    );
    app.patch(
      '/api/departments/:id/webhooks/:webhookId',
      { config: { access: ['admin'] }, schema: { tags, summary: 'Change a webhook', params: webhookParams, body: webhookInput.partial(), response: { 200: webhook, ...errors } } },
      async (request) => changeWebhook(deps, request.params.id, request.params.webhookId, request.body),
    );
    app.delete(
      '/api/departments/:id/webhooks/:webhookId',
      { config: { access: ['admin'] }, schema: { tags, summary: 'Remove a webhook', params: webhookParams, response: { 204: z.null(), ...errors } } },
      async (request, reply) => {
        await removeWebhook(deps, request.params.id, request.params.webhookId);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/notification-deliveries',
      {
        config: { access: ['admin', 'supervisor'] },
        schema: {
          tags,
          summary: 'E-mail, webhook and SMS deliveries with their state, attempts and last error (SMS numbers masked)',
          querystring: pageQuery.extend({
            status: z.enum(deliveryStatuses).optional(),
            requestKey: z.string().max(400).optional(),
            channel: z.enum(notificationChannels).optional(),
          }),
          response: { 200: pageOf(delivery), ...errors },
        },
      },
      async (request) => deliveriesPage(deps, request.query),
    );
    app.get(
      '/api/tasks/:id/read-receipts',
      {
        config: { access: ['supervisor', 'leader', 'auditor', 'admin'] },
        schema: { tags, summary: "Who was told about a task and when they read it (urging's read receipts)", params: z.object({ id: z.string().min(1).max(200) }), response: { 200: z.object({ taskId: z.string(), receipts: z.array(receipt) }), ...errors } },
      },
      async (request) => readReceipts(deps, request.params.id),
    );
  };
}
