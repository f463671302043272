/** `npm run api`: one stateless API process (serves the UI too). Run several behind a load balancer. */
import { loadConfigOrExit } from '../config/env';
import { buildApp } from './app';
import { createApiDeps } from './deps';

const config = loadConfigOrExit();
const deps = await createApiDeps(config);
const app = await buildApp(deps);

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down: finishing in-flight requests');
  await app.close(); // stops accepting, waits for in-flight requests
  await deps.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

await app.listen({ port: config.PORT, host: config.HOST });
