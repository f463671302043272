// What each item Update's arguments mean as a domain event: used by the item workflow's handlers and
// by audit replay (audit/fold.ts), so a recorded Update always folds into the event the workflow applied.
import type { UpdateDefinition } from '@temporalio/common';
import type { DeadlinePolicy, Instant, ItemEvent } from '../domain';
import type {
  addAssistUpdate,
  cancelItemUpdate,
  changeDeadlineUpdate,
  ItemInput,
  instructUpdate,
  mergeItemUpdate,
  noteDuplicateUpdate,
  setPublicUpdate,
  updateSignalUpdate,
  unmergeItemUpdate,
} from './item-definitions';

type ArgsOf<D> = D extends UpdateDefinition<unknown, [infer A], string> ? A : never;

/** The policy an assisting department's task follows: the lead task's, as launched. */
function assistPolicy(input: ItemInput): DeadlinePolicy {
  const lead = input.tasks.find((t) => t.role === 'lead') ?? input.tasks[0];
  if (!lead) throw new TypeError('an item without tasks has no deadline policy');
  return lead.policy;
}

export const itemEventOf = {
  cancel: (a: ArgsOf<typeof cancelItemUpdate>, at: Instant): ItemEvent => ({ type: 'cancel', actor: a.actor, at, reason: a.reason }),
  addAssist: (a: ArgsOf<typeof addAssistUpdate>, at: Instant, input: ItemInput): ItemEvent => ({
    type: 'add_assist',
    actor: a.actor,
    at,
    taskId: a.taskId,
    departmentId: a.departmentId,
    ...(a.dueAt !== undefined ? { dueAt: a.dueAt } : {}),
    policy: assistPolicy(input),
  }),
  changeDeadline: (a: ArgsOf<typeof changeDeadlineUpdate>, at: Instant): ItemEvent => ({
    type: 'change_deadline',
    actor: a.actor,
    at,
    dueAt: a.dueAt,
    reason: a.reason,
  }),
  instruct: (a: ArgsOf<typeof instructUpdate>, at: Instant): ItemEvent => ({ type: 'instruct', actor: a.actor, at, id: a.id, text: a.text }),
  setPublic: (a: ArgsOf<typeof setPublicUpdate>, at: Instant): ItemEvent => ({
    type: 'set_public',
    actor: a.actor,
    at,
    public: a.public,
    ...(a.reason !== undefined ? { reason: a.reason } : {}),
  }),
  updateSignal: (a: ArgsOf<typeof updateSignalUpdate>, at: Instant): ItemEvent => ({
    type: 'update_signal',
    actor: a.actor,
    at,
    title: a.title,
    description: a.description,
    subject: a.subject,
    riskLevel: a.riskLevel,
  }),
  merge: (a: ArgsOf<typeof mergeItemUpdate>, at: Instant): ItemEvent => ({ type: 'merge', actor: a.actor, at, primaryId: a.primaryId, primaryCode: a.primaryCode }),
  unmerge: (a: ArgsOf<typeof unmergeItemUpdate>, at: Instant, input: ItemInput): ItemEvent => ({
    type: 'unmerge',
    actor: a.actor,
    at,
    reopen: a.reopen,
    policy: assistPolicy(input),
  }),
  noteDuplicate: (a: ArgsOf<typeof noteDuplicateUpdate>, at: Instant): ItemEvent => ({
    type: 'note_duplicate',
    actor: a.actor,
    at,
    duplicateId: a.duplicateId,
    duplicateCode: a.duplicateCode,
    merged: a.merged,
  }),
} satisfies Record<string, (a: never, at: Instant, input: ItemInput) => ItemEvent>;

export type ItemUpdateName = keyof typeof itemEventOf;
