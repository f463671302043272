import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const uiDist = fileURLToPath(new URL('../../ui/dist', import.meta.url));

/** Vite names every file under assets/ by its content hash: a changed file is a new URL. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the built React UI; any non-API path falls back to index.html (client-side routing).
 * Files are sent as their brotli or gzip twin written at build time (scripts/precompress-ui.ts)
 * when the browser accepts it; hashed assets are cached for a year, index.html is revalidated.
 */
export async function serveUi(app: FastifyInstance, root = uiDist) {
  if (!existsSync(root)) {
    app.log.warn('ui/dist is missing: run `npm run build:ui` (npm run up does it)');
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header('cache-control', path.includes(`${sep}assets${sep}`) ? IMMUTABLE : 'no-cache');
    },
  });
  app.get('/*', (request, reply) => {
    if (request.url.startsWith('/api/') || request.url.startsWith('/docs')) {
      return reply.code(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url}` } });
    }
    return reply.sendFile('index.html');
  });
}
