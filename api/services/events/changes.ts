/**
 * The read model's changes as announced by Postgres (migration 0020_live_events), and who may see
 * each: the same rules as the routes they mirror (a department sees its own tasks and the items it
 * works on; the inbox and an export only their owner). Pure, so the rules are tested without a stream.
 */
import { z } from 'zod';
import type { SessionUser } from '../../authz';
import { canReadDepartment } from '../../authz';

export const change = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('task'),
    itemId: z.string(),
    taskId: z.string(),
    departmentId: z.string(),
    status: z.string(),
    light: z.string(),
    version: z.number(),
  }),
  z.object({
    type: z.literal('item'),
    itemId: z.string(),
    status: z.string(),
    light: z.string(),
    departmentIds: z.array(z.string()).nullable(),
  }),
  z.object({ type: z.literal('inbox'), userId: z.string() }),
  z.object({ type: z.literal('export'), id: z.string(), status: z.string(), progress: z.number(), requestedBy: z.string() }),
]);
export type Change = z.infer<typeof change>;

/** One message of the stream: its SSE event name and JSON data. */
export interface LiveEvent {
  event: 'task' | 'item' | 'inbox' | 'export';
  data: Record<string, unknown>;
}

/** What this user may be told of the change (inbox changes need the count: see hub.ts), or null. */
export function eventFor(user: SessionUser, c: Change): LiveEvent | 'inbox' | null {
  switch (c.type) {
    case 'task':
      if (!canReadDepartment(user, c.departmentId)) return null;
      return {
        event: 'task',
        data: { itemId: c.itemId, taskId: c.taskId, departmentId: c.departmentId, status: c.status, light: c.light, version: c.version },
      };
    case 'item':
      if (!(c.departmentIds ?? []).some((d) => canReadDepartment(user, d)) && !canReadDepartment(user, null)) return null;
      return { event: 'item', data: { itemId: c.itemId, status: c.status, light: c.light } };
    case 'inbox':
      return c.userId === user.id ? 'inbox' : null;
    case 'export':
      return c.requestedBy === user.id ? { event: 'export', data: { id: c.id, status: c.status, progress: c.progress } } : null;
  }
}
