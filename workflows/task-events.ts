// What each task Update's arguments mean as a domain event: used by the task workflow's handlers and
// by audit replay (audit/fold.ts), so a recorded Update always folds into the event the workflow applied.
import type { UpdateDefinition } from '@temporalio/common';
import type { Instant, TaskEvent } from '../domain';
import type { taskUpdates, TaskUpdateName } from './task-definitions';

type ArgsOf<D> = D extends UpdateDefinition<unknown, [infer A], string> ? A : never;

export type TaskEventBuilders = { [K in TaskUpdateName]: (args: ArgsOf<(typeof taskUpdates)[K]>, at: Instant) => TaskEvent };

/** Keyed by Update name (the keys of `taskUpdates` are the names). */
export const taskEventOf: TaskEventBuilders = {
  sign: (a, at) => ({ type: 'sign', actor: a.actor, at }),
  progress: (a, at) =>
    a.percent === undefined
      ? { type: 'progress', actor: a.actor, at, text: a.text }
      : { type: 'progress', actor: a.actor, at, text: a.text, percent: a.percent },
  requestExtension: (a, at) => ({ type: 'extension_request', actor: a.actor, at, reason: a.reason, newDueAt: a.newDueAt }),
  decideExtension: (a, at) => ({
    type: 'extension_decision',
    actor: a.actor,
    at,
    approve: a.approve,
    ...(a.comment !== undefined ? { comment: a.comment } : {}),
    ...(a.newWarnAt !== undefined ? { newWarnAt: a.newWarnAt } : {}),
  }),
  requestTransfer: (a, at) => ({
    type: 'transfer_request',
    actor: a.actor,
    at,
    reason: a.reason,
    ...(a.suggestedDepartmentId !== undefined ? { suggestedDepartmentId: a.suggestedDepartmentId } : {}),
  }),
  decideTransfer: (a, at) => ({
    type: 'transfer_decision',
    actor: a.actor,
    at,
    approve: a.approve,
    ...(a.departmentId !== undefined ? { departmentId: a.departmentId } : {}),
    ...(a.comment !== undefined ? { comment: a.comment } : {}),
  }),
  complete: (a, at) => ({ type: 'complete', actor: a.actor, at, summary: a.summary, ...(a.fields !== undefined ? { fields: a.fields } : {}) }),
  review: (a, at) => ({ type: 'review', actor: a.actor, at, decision: a.decision, comment: a.comment }),
  urge: (a, at) => ({ type: 'urge', actor: a.actor, at, message: a.message }),
  assign: (a, at) => ({ type: 'assign', actor: a.actor, at, assignee: a.assignee }),
};
