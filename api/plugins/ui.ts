import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const uiDist = fileURLToPath(new URL('../../ui/dist', import.meta.url));

/** Serves the built React UI; any non-API path falls back to index.html (client-side routing). */
export async function serveUi(app: FastifyInstance) {
  if (!existsSync(uiDist)) {
    app.log.warn('ui/dist is missing: run `npm run build:ui` (npm run up does it)');
    return;
  }
  await app.register(fastifyStatic, { root: uiDist, prefix: '/', wildcard: false });
  app.get('/*', (request, reply) => {
    if (request.url.startsWith('/api/') || request.url.startsWith('/docs')) {
      return reply.code(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url}` } });
    }
    return reply.sendFile('index.html');
  });
}
