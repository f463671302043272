// The task workflow's handlers: every Update validated by the domain rules before it enters history
// (validator) and applied once (handler); signals, which cannot be refused, logged and dropped when bad.
import { currentUpdateInfo, log, setHandler } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import { signalledTaskEvent, taskToWire, validateTaskAction } from '../domain';
import type { Actor, Instant, TaskEvent, TaskSignal, TaskWire } from '../domain';
import type { TimelineEntry } from './outbox-contract';
import { SYSTEM_ACTOR } from './system-actor';
import {
  assignUpdate,
  cancelTaskSignal,
  completeUpdate,
  deadlinesRecomputedSignal,
  decideExtensionUpdate,
  decideTransferUpdate,
  followDeadlineSignal,
  progressUpdate,
  releaseTaskSignal,
  requestExtensionUpdate,
  requestTransferUpdate,
  reviewUpdate,
  signUpdate,
  taskDetailQuery,
  taskStateQuery,
  urgeUpdate,
} from './task-definitions';
import { taskEventOf } from './task-events';
import { updateValidator } from './update-validator';
import type { TaskRun } from './task-run';

const text = (s: string | undefined): TimelineEntry['reason'] => (s ? { code: null, en: s, zh: s } : null);

function action<A extends { actor: Actor }>(
  run: TaskRun,
  def: UpdateDefinition<TaskWire, [A]>,
  toEvent: (args: A, now: Instant) => TaskEvent,
  reasonOf: (args: A) => TimelineEntry['reason'] = () => null,
) {
  setHandler(
    def,
    async (args: A) => {
      const id = currentUpdateInfo()?.id;
      const cached = run.recent.get(id);
      if (cached) return cached;
      run.apply(toEvent(args, Date.now()), reasonOf(args));
      const result = taskToWire(run.state);
      run.recent.remember(id, result);
      return result;
    },
    { validator: updateValidator(run.recent, toEvent, (event, now) => validateTaskAction(run.state, event, now)) },
  );
}

/** A signal cannot be refused to its sender: a bad one is logged and dropped. */
function onSignal(run: TaskRun, signal: TaskSignal, reason: TimelineEntry['reason']) {
  const signalled = signalledTaskEvent(run.state, signal, Date.now());
  if (!signalled) return;
  if (signalled.refused) log.warn(`${signal.type} refused`, { violation: signalled.refused });
  else run.apply(signalled.event, reason);
}

export function wireTaskHandlers(run: TaskRun): void {
  action(run, signUpdate, taskEventOf.sign);
  action(run, progressUpdate, taskEventOf.progress);
  action(run, requestExtensionUpdate, taskEventOf.requestExtension, (a) => text(a.reason));
  action(run, decideExtensionUpdate, taskEventOf.decideExtension, (a) => text(a.comment));
  action(run, requestTransferUpdate, taskEventOf.requestTransfer, (a) => text(a.reason));
  action(run, decideTransferUpdate, taskEventOf.decideTransfer, (a) => text(a.comment));
  action(run, completeUpdate, taskEventOf.complete);
  action(run, reviewUpdate, taskEventOf.review, (a) => (a.decision === 'return' ? { code: 'returned', en: a.comment, zh: a.comment } : text(a.comment)));
  action(run, urgeUpdate, taskEventOf.urge, (a) => text(a.message));
  action(run, assignUpdate, taskEventOf.assign);

  setHandler(deadlinesRecomputedSignal, (change) =>
    onSignal(run, { type: 'deadlines_recomputed', change, systemActor: SYSTEM_ACTOR }, { code: 'calendar_changed', en: change.reason, zh: change.reason }),
  );
  setHandler(cancelTaskSignal, ({ actor, reason }) => onSignal(run, { type: 'cancel', actor, reason }, text(reason)));
  setHandler(followDeadlineSignal, ({ actor, dueAt, reason }) =>
    onSignal(run, { type: 'follow_deadline', actor, dueAt, reason }, { code: 'deadline_changed', en: reason, zh: reason }),
  );
  setHandler(releaseTaskSignal, () => {
    run.released = true;
  });

  setHandler(taskStateQuery, () => taskToWire(run.state));
  setHandler(taskDetailQuery, () => run.state);
}
