// The result of an early-warning verification, sent back to the monitoring system that raised it:
// a ledger row in notification_deliveries and a `deliver` job of the notification pipeline, which
// signs, posts and retries it as it does every webhook (jobs/notifications/deliver.ts).
import type { Database } from '../db/client';
import { markSignalResultQueued, pendingSignalResult, recordSignalResultDelivery } from '../db/queries/intake';
import type { SignalResult } from '../domain/intake';
import type { ItemState } from '../domain';
import { defaultDeliveryPolicy } from '../jobs/notifications/deps';
import { deliverJobName, deliverJobOptions } from '../jobs/notifications/jobs';
import type { Queues } from '../jobs/queues';

/** Whether a projected item state is one whose result is due (cheap: no query for every other item). */
export function signalResultDue(state: ItemState): boolean {
  return state.item.kind === 'verification' && state.status === 'completed';
}

/**
 * Queues the result once. Each step is idempotent, and the signal is marked only after the job is
 * queued, so a retry after a failure (Redis away) queues it then; the job id and the ledger's
 * "sent" status keep it from going out twice.
 */
export async function queueSignalResult(db: Database, queues: Pick<Queues, 'notifications'>, itemId: string): Promise<'queued' | 'none'> {
  const due = await pendingSignalResult(db, itemId);
  if (!due) return 'none';
  const { signal } = due;
  const result: SignalResult = {
    event: 'verification_result',
    source: signal.source,
    externalId: signal.externalId,
    itemId,
    itemCode: due.itemCode,
    status: due.itemStatus,
    completedAt: due.completedAt?.toISOString() ?? null,
    finding: due.report?.fields?.['finding'] ?? null,
    summary: due.report?.summary ?? null,
    fields: due.report?.fields ?? null,
  };
  const delivery = await recordSignalResultDelivery(db, {
    itemId,
    source: signal.source,
    target: due.resultUrl,
    subject: `预警核查结果 ${due.itemCode}：${due.itemTitle}`.slice(0, 500),
    body: result.summary ?? '',
    payload: result,
  });
  await queues.notifications.add(deliverJobName, { deliveryId: delivery.id }, deliverJobOptions(delivery.id, defaultDeliveryPolicy));
  await markSignalResultQueued(db, itemId, delivery.id);
  return 'queued';
}
