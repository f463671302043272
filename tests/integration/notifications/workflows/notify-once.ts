// A test-only workflow: one notify activity, retried the way the task workflow retries it.
import { proxyActivities } from '@temporalio/workflow';
import type { createNotifyActivities, NotifyInput, NotifyResult } from '../../../../activities/notify';

const { notify } = proxyActivities<ReturnType<typeof createNotifyActivities>>({
  startToCloseTimeout: '4 seconds',
  retry: { initialInterval: '300 milliseconds', backoffCoefficient: 2, maximumInterval: '1 second' },
});

export async function notifyOnce(input: NotifyInput): Promise<NotifyResult> {
  return notify(input);
}
