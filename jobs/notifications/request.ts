import { z } from 'zod';

/**
 * The contract between workflow activities and the notification pipeline: what happened, to which
 * item/task, and who was involved. Recipients are NOT listed here — the processor resolves them
 * from the event and the organisation (see recipients.ts), so the workflow never reads the org chart.
 */
export const notificationEvents = [
  'assigned',
  'yellow',
  'red',
  'urged',
  'urge_escalated',
  'returned',
  'extension_decided',
  'transfer_decided',
  'accepted',
  'cancelled',
  'submitted',
  'extension_requested',
  'transfer_requested',
  'deadlines_changed',
  'instruction',
] as const;
export type NotificationEvent = (typeof notificationEvents)[number];

/**
 * BullMQ uses the dedupe key as the job id, and refuses ids that contain ':' or are integers;
 * build keys with notificationDedupeKey() to stay inside that.
 */
const dedupeKey = z
  .string()
  .min(1)
  .max(400)
  .regex(/^[^\s:]+$/, 'no whitespace or ":" (BullMQ job ids)')
  .refine((key) => !/^\d+$/.test(key), 'must not be an integer (BullMQ job ids)');

const localizedReason = z.object({ code: z.string().min(1), en: z.string(), zh: z.string() });

export const notificationRequestSchema = z.object({
  /** Derived from workflow id + event sequence/id: the same event always yields the same key. */
  dedupeKey,
  event: z.enum(notificationEvents),
  /** Urgent requests skip quiet hours and the digest. red, urged and urge_escalated are always urgent. */
  urgent: z.boolean(),
  itemId: z.string().min(1),
  itemTitle: z.string().min(1),
  itemCode: z.string().min(1).optional(),
  taskId: z.string().min(1).optional(),
  /** The task's department: whose staff and responsible leader hear of it. */
  departmentId: z.uuid().optional(),
  /** The leader who issued the item (told of red lights). */
  issuedByUserId: z.uuid().optional(),
  /** Who asked (extension/transfer requester, submitter of a returned report): told of decisions. */
  requesterUserId: z.uuid().optional(),
  /** The task's named person (承办人): hears of everything about the task, besides the department. */
  assigneeUserId: z.uuid().optional(),
  /** Why (light reason, return comment, decision) in both languages. */
  reason: localizedReason.optional(),
  /**
   * urge_escalated only: which step of the escalation this is. department_leader → the department's
   * responsible leader; supervision_office → every supervisor. Absent → both at once.
   */
  escalationLevel: z.enum(['department_leader', 'supervision_office']).optional(),
  /** Free text from a person, e.g. the urge message; shown as-is. */
  message: z.string().max(4000).optional(),
  occurredAt: z.iso.datetime({ offset: true }),
});

export type NotificationRequest = z.infer<typeof notificationRequestSchema>;

/** Events that always go out at once, whatever the request says and whatever the hour. */
export const alwaysUrgentEvents: ReadonlySet<NotificationEvent> = new Set(['red', 'urged', 'urge_escalated']);

/**
 * The dedupe key of one workflow event: `<workflowId>#<eventRef>` (eventRef: the event's sequence
 * number or id inside that workflow). ':' is escaped because BullMQ job ids may not contain it.
 */
export function notificationDedupeKey(workflowId: string, eventRef: string | number, suffix?: string): string {
  const escape = (part: string) => part.replace(/%/g, '%25').replace(/:/g, '%3A').replace(/\s/g, '%20');
  return [workflowId, String(eventRef), ...(suffix ? [suffix] : [])].map(escape).join('#');
}
