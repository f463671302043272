import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';
import { errorBody } from '../schemas/errors';
import { changeSmsSettings, readSmsSettings, sendTestSms } from '../services/notifications/sms-settings';
import { smsMessageTypes } from '../../jobs/notifications/sms-messages';
import { ownMessages } from '../validation-messages';

const templateCode = z.string().trim().max(64).regex(/^[A-Za-z0-9_-]*$/, ownMessages.templateCode.en);
const codes = z.object({ zh: templateCode, en: templateCode }).partial().strict();

const settings = z.object({
  enabled: z.boolean(),
  endpoint: z.string(),
  endpointOverride: z.string().nullable(),
  accessKeyId: z.string(),
  hasSecret: z.boolean(),
  signName: z.string(),
  templates: z.record(z.string(), z.object({ zh: z.string(), en: z.string() })),
  messageTypes: z.array(z.object({ type: z.enum(smsMessageTypes), zh: z.string(), en: z.string() })),
  updatedAt: z.string().nullable(),
});

const settingsInput = z
  .object({
    enabled: z.boolean(),
    endpoint: z.url({ protocol: /^https?$/ }).max(500),
    accessKeyId: z.string().trim().max(128),
    /** Write-only; blank or absent keeps the saved one. */
    accessKeySecret: z.string().max(256),
    signName: z.string().trim().max(64),
    templates: z.partialRecord(z.enum(smsMessageTypes), codes),
  })
  .partial()
  .strict();

const testInput = z
  .object({
    phone: z.string().trim().regex(/^(?:\+?86)?1[3-9]\d{9}$/, ownMessages.mobile.en),
    language: z.enum(['zh', 'en']).optional(),
  })
  .strict();

const testResult = z.object({
  sent: z.boolean(),
  providerMessageId: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 422: errorBody };
const tags = ['notifications'];

/** 短信设置: admin only. The secret is never answered. */
export function smsSettingsRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/sms-settings', { config: { access: ['admin'] }, schema: { tags, summary: 'The SMS provider settings (secret never shown)', response: { 200: settings, ...errors } } }, async () =>
      readSmsSettings(deps),
    );
    app.put(
      '/api/sms-settings',
      { config: { access: ['admin'] }, schema: { tags, summary: 'Change the SMS provider settings', body: settingsInput, response: { 200: settings, ...errors } } },
      async (request) => changeSmsSettings(deps, requireUser(request), request.body),
    );
    app.post(
      '/api/sms-settings/test',
      { config: { access: ['admin'] }, schema: { tags, summary: 'Send a test SMS now; answers the provider’s id or its error', body: testInput, response: { 200: testResult, ...errors } } },
      async (request) => sendTestSms(deps, request.body),
    );
  };
}
