/**
 * The API documentation at /docs (Swagger UI) and /docs/json (OpenAPI). Registered after the auth
 * plugin, so it knows who asks: with DOCS_ANONYMOUS off, only signed-in users get it (401 otherwise).
 */
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';

async function signedInOnly(request: FastifyRequest): Promise<void> {
  requireUser(request);
}

export async function installDocs(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list' },
    ...(deps.config.DOCS_ANONYMOUS ? {} : { uiHooks: { onRequest: signedInOnly } }),
  });
}
