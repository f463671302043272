import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';
import { errorBody } from '../schemas/errors';
import { findSessionByTokenHash } from '../../db/queries/sessions';
import { EventHub, type Subscriber } from '../services/events/hub';

/** A comment line every 15 s keeps proxies from closing a quiet stream. */
export const HEARTBEAT_MS = 15_000;
/** How often an open stream re-reads its session: a logout, an expiry or a disabled account ends it. */
export const SESSION_RECHECK_MS = 60_000;

const description = [
  'Server-sent events of the read model, only those the caller may see (the same rules as the routes they mirror):',
  '`event: task` `{itemId, taskId, departmentId, status, light, version}`; `event: item` `{itemId, status, light}`;',
  '`event: inbox` `{unread}` (the caller’s own); `event: export` `{id, status, progress}` (the caller’s own jobs);',
  'a `: heartbeat` comment every 15 s. The stream opens with `event: ready` `{}`. Poll the lists as a fallback.',
].join(' ');

/** `GET /api/events`: the live stream; open streams end when the API shuts down. */
export function eventRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const hub = new EventHub(deps);
    const open = new Set<{ close(): void }>();
    // Before the server stops accepting: an open stream would otherwise hold app.close() forever.
    app.addHook('preClose', async () => {
      for (const stream of open) stream.close();
      await hub.close();
    });

    app.get(
      '/api/events',
      {
        sse: 'manual',
        config: { access: 'user' },
        schema: {
          tags: ['live'],
          summary: 'Live changes of tasks, items, the inbox and exports (server-sent events)',
          description,
          response: {
            200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } },
            401: errorBody,
          },
        },
      },
      async (request, reply) => {
        const user = requireUser(request);
        const tokenHash = request.session!.tokenHash;
        const sse = reply.sse;
        sse.keepAlive();
        const stream = { close: () => sse.close() };
        open.add(stream);
        const subscriber: Subscriber = {
          user,
          send: (event) => {
            if (sse.isConnected) sse.send({ event: event.event, data: event.data }).catch(() => {});
          },
        };
        const unsubscribe = await hub.subscribe(subscriber);
        // Authorised like a request, not once: a role or department change applies, a logout ends the stream.
        const recheck = setInterval(() => {
          findSessionByTokenHash(deps.database.db, tokenHash, new Date())
            .then((found) => {
              if (!found) return sse.close();
              subscriber.user = { id: found.id, username: found.username, displayName: found.displayName, role: found.role, departmentId: found.departmentId };
            })
            .catch(() => {});
        }, SESSION_RECHECK_MS);
        recheck.unref();
        sse.onClose(() => {
          clearInterval(recheck);
          unsubscribe();
          open.delete(stream);
        });
        await sse.send({ event: 'ready', data: {} });
      },
    );
  };
}
