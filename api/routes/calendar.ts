import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';
import { errorBody } from '../schemas/errors';
import { calendarOfYear, putYearOverrides, yearOverridesImpact } from '../services/organisation/calendar';
import { dueDateIn } from '../services/organisation/working-days';
import { isoInstant } from '../schemas/items';
import { ownMessages } from '../validation-messages';

const yearParams = z.object({ year: z.coerce.number().int().min(2000).max(2100) });
const namedDay = z.object({ date: z.string(), name: z.string().nullable() });
const override = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, ownMessages.date.en),
  kind: z.enum(['workday', 'holiday']),
  note: z.string().trim().max(200).nullable().optional(),
});
const calendar = z.object({
  year: z.number().int(),
  builtIn: z.object({ holidays: z.array(namedDay), workdays: z.array(namedDay) }),
  overrides: z.array(z.object({ date: z.string(), kind: z.enum(['workday', 'holiday']), note: z.string().nullable() })),
  holidays: z.array(z.string()),
  workdays: z.array(z.string()),
});
const errors = { 400: errorBody, 401: errorBody, 403: errorBody };
const overridesBody = z.object({ overrides: z.array(override).max(366) }).strict();
const rowsOf = (overrides: z.infer<typeof overridesBody>['overrides']) => overrides.map((o) => ({ date: o.date, kind: o.kind, note: o.note ?? null }));

export function calendarRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/calendar/:year',
      {
        config: { access: 'user' },
        schema: { tags: ['organisation'], summary: 'Built-in holidays and make-up days of a year, the admin overrides, and the result', params: yearParams, response: { 200: calendar, ...errors } },
      },
      async (request) => calendarOfYear(deps, request.params.year),
    );
    app.put(
      '/api/calendar/:year',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['organisation'],
          summary: "Replace the year's working-day overrides; open items recompute working-day deadlines",
          params: yearParams,
          body: overridesBody,
          response: { 200: calendar.extend({ affectedWorkflows: z.number().int() }), ...errors },
        },
      },
      async (request) => putYearOverrides(deps, request.params.year, rowsOf(request.body.overrides), requireUser(request)),
    );
    app.post(
      '/api/calendar/:year/impact',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['organisation'],
          summary: 'Dry run of PUT /api/calendar/:year (same body): how many open tasks the change would recompute; nothing is saved',
          params: yearParams,
          body: overridesBody,
          response: { 200: z.object({ openTasksToRecompute: z.number().int() }), ...errors },
        },
      },
      async (request) => yearOverridesImpact(deps, request.params.year, rowsOf(request.body.overrides)),
    );
    app.get(
      '/api/calendar/due-date',
      {
        config: { access: 'user' },
        schema: {
          tags: ['organisation'],
          summary: 'The instant N working days after `from` (default now) on the platform calendar, as a launch computes it',
          querystring: z.object({ days: z.coerce.number().int().min(1).max(3650), from: isoInstant.optional() }),
          response: { 200: z.object({ dueAt: z.string() }), ...errors },
        },
      },
      async (request) => dueDateIn(deps, request.query.days, request.query.from),
    );
  };
}
