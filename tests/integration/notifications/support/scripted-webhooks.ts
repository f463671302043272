import { afterAll, beforeAll } from 'vitest';
import { insertWebhook } from '../../../../db/queries/notifications';
import { createTestOrg, type TestOrg } from './org';
import { startPipeline } from './pipeline';
import { startHttpReceiver } from './receivers';

/**
 * A running notification pipeline and a local HTTP receiver whose answer a test scripts per path
 * (`scripted.set(path, (n) => status)` for the n-th request there; 200 otherwise). Registers its own
 * beforeAll/afterAll, so call it at the top of a test file.
 */
export function scriptedWebhooks(options: { pipeline?: Parameters<typeof startPipeline>[0]; secret: string }) {
  let pipeline: Awaited<ReturnType<typeof startPipeline>>;
  let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;
  const scripted = new Map<string, (n: number) => number>();
  const hitsOn = (path: string) => receiver.received.filter((r) => r.path === path);

  beforeAll(async () => {
    pipeline = await startPipeline(options.pipeline);
    receiver = await startHttpReceiver((request) => {
      const status = scripted.get(request.path)?.(hitsOn(request.path).length - 1) ?? 200;
      return status === 200 ? { status } : { status, body: { error: 'receiver says no' } };
    });
  });
  afterAll(async () => {
    await pipeline?.close();
    await receiver?.close();
  });

  /** A fresh department (with staff) whose generic webhook points at `path` on the receiver. */
  async function orgWithWebhook(path: string): Promise<{ org: TestOrg; webhookId: string }> {
    const org = await createTestOrg(pipeline.db);
    const webhook = await insertWebhook(pipeline.db, { departmentId: org.department.id, kind: 'generic', url: `${receiver.url}${path}`, secret: options.secret });
    return { org, webhookId: webhook.id };
  }

  return {
    get pipeline() {
      return pipeline;
    },
    get receiver() {
      return receiver;
    },
    scripted,
    hitsOn,
    orgWithWebhook,
  };
}
