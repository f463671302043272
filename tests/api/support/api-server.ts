/** Starts the real API (real Postgres/Redis/Temporal from the global setup) on a free port. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../api/app';
import { createApiDeps, type ApiDeps } from '../../../api/deps';
import { testConfig } from '../../support/services';

export interface RunningApi {
  app: FastifyInstance;
  deps: ApiDeps;
  baseUrl: string;
  close(): Promise<void>;
}

/** `beforeListen` may add test-only routes; the app's hooks (auth, idempotency, audit) apply to them too. */
export async function startApi(overrides: Record<string, string> = {}, beforeListen?: (app: FastifyInstance, deps: ApiDeps) => void | Promise<void>): Promise<RunningApi> {
  const deps = await createApiDeps(testConfig(overrides));
  const app = await buildApp(deps, { logger: false });
  await beforeListen?.(app, deps);
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    deps,
    baseUrl,
    async close() {
      await app.close();
      await deps.close();
    },
  };
}
