import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { LIGHTS, TASK_STATUSES } from '../../domain/types';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';
import { errorBody } from '../schemas/errors';
import { myWork } from '../services/me/work';

const workTask = z.object({
  taskId: z.string(),
  itemId: z.string(),
  itemCode: z.string(),
  itemTitle: z.string(),
  departmentId: z.string(),
  departmentName: z.string(),
  status: z.enum(TASK_STATUSES),
  light: z.enum(LIGHTS),
  dueAt: z.string(),
  countdownTo: z.string().describe('The instant that matters for this entry: signDueAt to sign, the next report due for reports, else dueAt'),
});
const workItem = z.object({ itemId: z.string(), code: z.string(), title: z.string(), light: z.enum(LIGHTS), dueAt: z.string() });
export const myWorkSchema = z.object({
  toSign: z.array(workTask),
  reportsDue: z.array(workTask),
  reviewsWaiting: z.array(workTask),
  extensionRequests: z.array(workTask),
  transferRequests: z.array(workTask),
  redItems: z.array(workItem),
  /** A leader's open items that they issued; empty for other roles. */
  issuedItems: z.array(workItem),
});

/** `GET /api/me/work`: what needs the caller now, by role and department. */
export function meRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/me/work',
      {
        config: { access: 'user' },
        schema: {
          tags: ['auth'],
          summary: 'What needs me now: tasks to sign, reports due, reviews and requests waiting, red items (at most 50 each)',
          response: { 200: myWorkSchema, 401: errorBody },
        },
      },
      async (request) => myWork(deps, requireUser(request)) as Promise<z.infer<typeof myWorkSchema>>,
    );
  };
}
