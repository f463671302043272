import type { FastifyInstance } from 'fastify';

/**
 * On close, requests already running finish; their answers then carry `Connection: close` so the
 * client's keep-alive socket ends with them. Without it `app.close()` waits out the keep-alive
 * timeout (72 s) of every connection that was busy when shutdown began.
 */
export function installGracefulClose(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
}
