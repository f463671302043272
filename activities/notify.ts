// Hands notification requests to BullMQ. The dedupe key (workflow id + event ref) is the job id,
// so a retried activity or a replayed workflow never enqueues the same event twice.
import { enqueueNotification } from '../jobs/notifications/enqueue';
import {
  alwaysUrgentEvents,
  notificationDedupeKey,
  notificationEvents,
  notificationRequestSchema,
  type NotificationEvent,
  type NotificationRequest,
} from '../jobs/notifications/request';
import type { Queues } from '../jobs/queues';
import type { NotifyInput, NotifyResult } from '../workflows/outbox-contract';

export type { NotifyInput, NotifyResult } from '../workflows/outbox-contract';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuidOrUndefined = (v: string | undefined) => (v !== undefined && UUID_RE.test(v) ? v : undefined);

function isContractEvent(event: string): event is NotificationEvent {
  return (notificationEvents as readonly string[]).includes(event);
}

/** The NotificationRequest for one workflow event, or null when the pipeline has no such event. */
export function toNotificationRequest(input: NotifyInput): NotificationRequest | null {
  if (!isContractEvent(input.event)) return null;
  const request: NotificationRequest = {
    dedupeKey: notificationDedupeKey(input.workflowId, input.eventRef, input.suffix),
    event: input.event,
    urgent: alwaysUrgentEvents.has(input.event),
    itemId: input.item.id,
    itemTitle: input.item.title,
    itemCode: input.item.code,
    occurredAt: new Date(input.occurredAt).toISOString(),
  };
  if (input.taskId) request.taskId = input.taskId;
  const departmentId = uuidOrUndefined(input.departmentId);
  if (departmentId) request.departmentId = departmentId;
  const issuedBy = uuidOrUndefined(input.item.issuedBy);
  if (issuedBy) request.issuedByUserId = issuedBy;
  const requester = uuidOrUndefined(input.requesterUserId);
  if (requester) request.requesterUserId = requester;
  const assignee = uuidOrUndefined(input.assigneeUserId);
  if (assignee) request.assigneeUserId = assignee;
  if (input.reason) request.reason = { code: input.reason.code, en: input.reason.en, zh: input.reason.zh };
  if (input.message) request.message = input.message.slice(0, 4000);
  if (input.escalationLevel) request.escalationLevel = input.escalationLevel;
  return request;
}

export function createNotifyActivities(queues: Pick<Queues, 'notifications'>) {
  return {
    async notify(input: NotifyInput): Promise<NotifyResult> {
      const request = toNotificationRequest(input);
      // Events the delivery pipeline does not (yet) handle are recorded in the timeline only.
      if (!request) return { enqueued: false, why: `no notification for "${input.event}"` };
      // A request the contract refuses would fail every retry: drop it, visibly, instead of retrying forever.
      const parsed = notificationRequestSchema.safeParse(request);
      if (!parsed.success) return { enqueued: false, why: `invalid request: ${parsed.error.message}` };
      const { jobId } = await enqueueNotification(queues, parsed.data);
      return { enqueued: true, jobId };
    },
  };
}
