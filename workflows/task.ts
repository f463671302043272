// One department task: its lights driven by one durable timer, every action an Update checked by the
// domain rules before it enters history, every change projected and told to the item workflow.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  getExternalWorkflowHandle,
  log,
  patched,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import {
  applyTaskEvent,
  isClosedStatus,
  lightWouldChange,
  nextWakeAt,
  openTask,
  signalledTaskEvent,
  TaskRuleError,
  taskToWire,
  validateTaskAction,
} from '../domain';
import type { Actor, Instant, TaskEffect, TaskEvent, TaskSignal, TaskState, TaskWire } from '../domain';
import type { NotifyInput, TimelineEntry } from './outbox-contract';
import { taskChangedSignal, type TaskChangedArgs } from './item-definitions';
import { RecentUpdates } from './recent-updates';
import { taskEventOf } from './task-events';
import { outboxActivities, tellItem, TELL_ITEM_BY_LOCAL_ACTIVITY } from './outbox-activities';
import { asFailure, malformed, ruleFailure } from './rule-failure';
import { SYSTEM_ACTOR } from './system-actor';
import {
  cancelTaskSignal,
  completeUpdate,
  deadlinesRecomputedSignal,
  followDeadlineSignal,
  decideExtensionUpdate,
  decideTransferUpdate,
  progressUpdate,
  releaseTaskSignal,
  requestExtensionUpdate,
  requestTransferUpdate,
  reviewUpdate,
  signUpdate,
  taskDetailQuery,
  taskStateQuery,
  urgeUpdate,
  type TaskCarried,
  type TaskInput,
  type UrgeEscalation,
} from './task-definitions';

export type { TaskInput } from './task-definitions';

/** Department actions that answer an urge (and so stop its escalation). */
const ANSWERS_URGE: ReadonlySet<TaskEvent['type']> = new Set(['sign', 'progress', 'extension_request', 'transfer_request', 'complete']);

/** Domain notify kinds the notification pipeline delivers (see jobs/notifications/request.ts). */
const DELIVERED_KINDS: ReadonlySet<string> = new Set([
  'assigned',
  'yellow',
  'red',
  'urged',
  'returned',
  'extension_decided',
  'transfer_decided',
  'accepted',
  'cancelled',
]);

/** Patch: stop scheduling notify activities for kinds the pipeline drops anyway. */
const SKIP_UNDELIVERED_NOTIFY = 'skip-undelivered-notify';

/** Requests for the supervision office (a report to review, an extension or transfer to decide) and deadline changes for the department. */
const REQUEST_KINDS: ReadonlySet<string> = new Set(['submitted', 'extension_requested', 'transfer_requested', 'deadlines_changed']);
/** Patch: REQUEST_KINDS are delivered too (runs recorded before it skipped or dropped them). */
const DELIVER_REQUESTS = 'deliver-requests-and-deadline-changes';

/** Patch: the item hears only of changes to what it rolls up (runs recorded before told it every change). */
const TELL_ITEM_WHAT_IT_ROLLS_UP = 'tell-item-what-it-rolls-up';

/** Patch: notifications no longer hold up projection and the item (runs recorded before awaited them together). */
const NOTIFY_APART_FROM_PROJECTION = 'notify-apart-from-projection';

/**
 * Patch: a change re-arms the wake-up timer only when it brings the next wake-up forward (runs
 * recorded before cancelled and restarted the timer on every change, e.g. every progress report).
 * A timer left armed for an earlier instant than needed fires, finds no light to change, and the
 * loop arms the right one: one spare wake-up instead of two timer commands per action.
 */
const KEEP_TIMER_UNLESS_EARLIER = 'keep-timer-unless-earlier';

/** Whom a decision is told to: who asked for it (a return or acceptance: who submitted the report). */
function requesterOf(kind: string, previous: TaskState): string | undefined {
  switch (kind) {
    case 'extension_decided':
      return previous.pendingExtension?.actor.userId;
    case 'transfer_decided':
      return previous.pendingTransfer?.actor.userId;
    case 'returned':
    case 'accepted':
      return previous.submittedBy ?? undefined;
    default:
      return undefined;
  }
}

export async function task(input: TaskInput): Promise<TaskWire> {
  const workflowId = workflowInfo().workflowId;
  const { options } = input;

  // ---- State (restored as is after continue-as-new) ----
  let state: TaskState;
  let urge: UrgeEscalation | null = input.carried?.urge ?? null;
  let timelineSeq = input.carried?.timelineSeq ?? 0;
  const recent = new RecentUpdates<TaskWire>(input.carried?.recentUpdates);
  let released = false;
  const keepTimerUnlessEarlier = patched(KEEP_TIMER_UNLESS_EARLIER);
  /** The instant the timer loop's current timer is armed for (null: no timer). */
  let armedAt: Instant | null = null;
  /** Set by a state change that needs the timer re-armed (before the patch: by every change). */
  let dirty = false;

  // The outbox: what the pump still has to project, notify and tell the item.
  let timeline: TimelineEntry[] = [];
  let notifications: NotifyInput[] = [];
  let projectionDue = false;
  let parentDue: TaskChangedArgs | null = null;
  let pumping = false;
  const outboxEmpty = () => !projectionDue && parentDue === null && notifications.length === 0 && timeline.length === 0;

  function record(type: string, actor: Actor, at: Instant, reason: TimelineEntry['reason'], payload: Record<string, unknown> = {}) {
    timeline.push({
      stream: workflowId,
      seq: ++timelineSeq,
      itemId: state.itemId,
      taskId: state.id,
      version: state.version,
      type,
      actor,
      reason,
      payload,
      at,
    });
    projectionDue = true;
  }

  function queueNotify(effect: Extract<TaskEffect, { type: 'notify' }>, at: Instant, requesterUserId?: string) {
    if (REQUEST_KINDS.has(effect.kind)) {
      if (!patched(DELIVER_REQUESTS) && patched(SKIP_UNDELIVERED_NOTIFY)) return;
    } else if (patched(SKIP_UNDELIVERED_NOTIFY) && !DELIVERED_KINDS.has(effect.kind)) return;
    const n: NotifyInput = {
      workflowId,
      eventRef: state.version,
      suffix: effect.kind,
      event: effect.kind,
      item: input.item,
      taskId: state.id,
      departmentId: state.departmentId,
      occurredAt: at,
    };
    if (effect.reason) n.reason = effect.reason;
    if (effect.detail) n.message = effect.detail;
    if (requesterUserId) n.requesterUserId = requesterUserId;
    notifications.push(n);
  }

  /** What the item rolls up from its task; a change that leaves it alone (a report, an urge) is not told. */
  const rollUpKey = (s: TaskState) => `${s.status}|${s.light}|${s.redEver}`;
  let toldKey: string | null = null;

  function tellParent(openTransfer?: TaskChangedArgs['openTransfer']) {
    const keep = parentDue?.openTransfer;
    const transfer = openTransfer ?? keep;
    if (!transfer && parentDue === null && rollUpKey(state) === toldKey && patched(TELL_ITEM_WHAT_IT_ROLLS_UP)) return;
    toldKey = rollUpKey(state);
    parentDue = transfer ? { task: taskToWire(state), openTransfer: transfer } : { task: taskToWire(state) };
  }

  /** Carries out a transition's effects and records the event itself. */
  function commit(previous: TaskState, next: TaskState, effects: TaskEffect[], event: TaskEvent, reason: TimelineEntry['reason']) {
    state = next;
    if (!keepTimerUnlessEarlier) dirty = true;
    const { actor, at, type, ...payload } = event as TaskEvent & Record<string, unknown>;
    if (type !== 'tick') record(type, actor, at, reason, payload);
    let openTransfer: TaskChangedArgs['openTransfer'];
    for (const effect of effects) {
      switch (effect.type) {
        case 'notify':
          queueNotify(effect, at, requesterOf(effect.kind, previous));
          break;
        case 'light_changed':
          record('light_changed', type === 'tick' ? SYSTEM_ACTOR : actor, at, effect.reason, { from: effect.from, to: effect.to });
          break;
        case 'open_transfer_task':
          openTransfer = {
            spec: {
              id: uuid4(),
              itemId: state.itemId,
              departmentId: effect.departmentId,
              role: effect.role,
              dueAt: effect.dueAt,
              warnAt: effect.warnAt,
              originalDueAt: effect.originalDueAt,
              postponed: effect.postponed,
              policy: state.policy,
            },
            actor,
          };
          record('transfer_opened', actor, at, null, { newTaskId: openTransfer.spec.id, departmentId: effect.departmentId });
          break;
        case 'task_closed':
          break;
      }
    }
    if (ANSWERS_URGE.has(type) || isClosedStatus(state.status)) urge = null;
    if (type === 'urge' && options.urgeEscalateAfterMs != null) {
      urge = { urge: state.urgeCount, urgedAt: at, level: 0, nextAt: at + options.urgeEscalateAfterMs };
    }
    projectionDue = true;
    tellParent(openTransfer);
    if (keepTimerUnlessEarlier && !dirty) dirty = timerNeedsRearming(at);
  }

  /** Whether the armed timer no longer serves: the next wake-up is earlier, or there is none. */
  function timerNeedsRearming(now: Instant): boolean {
    const next = wakeAt(now);
    if (next === null) return armedAt !== null;
    return armedAt === null || next < armedAt;
  }

  /** Applies an event that already passed validation; throws only ApplicationFailure. */
  function apply(event: TaskEvent, reason: TimelineEntry['reason'] = null): void {
    try {
      const previous = state;
      const { state: next, effects } = applyTaskEvent(previous, event, event.at);
      commit(previous, next, effects, event, reason);
    } catch (error) {
      if (error instanceof TaskRuleError) throw ruleFailure(error.violation);
      throw asFailure(error);
    }
  }

  if (input.carried) {
    state = (input.carried as TaskCarried).state;
  } else {
    const now = Date.now();
    const opened = openTask(input.task, now);
    state = opened.state;
    record(input.fromTaskId ? 'opened_by_transfer' : 'assigned', input.openedBy, now, null, {
      departmentId: state.departmentId,
      role: state.role,
      dueAt: state.dueAt,
      ...(input.fromTaskId ? { fromTaskId: input.fromTaskId } : {}),
    });
    commit(state, state, opened.effects, { type: 'tick', actor: input.openedBy, at: now }, null);
  }

  // ---- Updates: validator = the domain rules (rejected before history); handler = apply ----
  function action<A extends { actor: Actor }>(
    def: UpdateDefinition<TaskWire, [A]>,
    toEvent: (args: A, now: Instant) => TaskEvent,
    reasonOf: (args: A) => TimelineEntry['reason'] = () => null,
  ) {
    setHandler(
      def,
      async (args: A) => {
        const id = currentUpdateInfo()?.id;
        const cached = recent.get(id);
        if (cached) return cached;
        apply(toEvent(args, Date.now()), reasonOf(args));
        const result = taskToWire(state);
        recent.remember(id, result);
        return result;
      },
      {
        validator: (args: A) => {
          if (recent.has(currentUpdateInfo()?.id)) return; // a repeat: the handler answers from the cache
          if (typeof args !== 'object' || args === null || typeof args.actor !== 'object' || args.actor === null) {
            throw ruleFailure(malformed('the request must carry its actor'));
          }
          const now = Date.now();
          const refused = validateTaskAction(state, toEvent(args, now), now);
          if (refused) throw ruleFailure(refused);
        },
      },
    );
  }

  const text = (s: string | undefined) => (s ? { code: null, en: s, zh: s } : null);
  action(signUpdate, taskEventOf.sign);
  action(progressUpdate, taskEventOf.progress);
  action(requestExtensionUpdate, taskEventOf.requestExtension, (a) => text(a.reason));
  action(decideExtensionUpdate, taskEventOf.decideExtension, (a) => text(a.comment));
  action(requestTransferUpdate, taskEventOf.requestTransfer, (a) => text(a.reason));
  action(decideTransferUpdate, taskEventOf.decideTransfer, (a) => text(a.comment));
  action(completeUpdate, taskEventOf.complete);
  action(
    reviewUpdate,
    taskEventOf.review,
    (a) => (a.decision === 'return' ? { code: 'returned', en: a.comment, zh: a.comment } : text(a.comment)),
  );
  action(urgeUpdate, taskEventOf.urge, (a) => text(a.message));

  // ---- Signals ----
  /** A signal cannot be refused to its sender: a bad one is logged and dropped. */
  function onSignal(signal: TaskSignal, reasonOf: (e: TaskEvent) => TimelineEntry['reason']) {
    const signalled = signalledTaskEvent(state, signal, Date.now());
    if (!signalled) return;
    if (signalled.refused) log.warn(`${signal.type} refused`, { violation: signalled.refused });
    else apply(signalled.event, reasonOf(signalled.event));
  }
  setHandler(deadlinesRecomputedSignal, (change) =>
    onSignal({ type: 'deadlines_recomputed', change, systemActor: SYSTEM_ACTOR }, () => ({ code: 'calendar_changed', en: change.reason, zh: change.reason })),
  );
  setHandler(cancelTaskSignal, ({ actor, reason }) => onSignal({ type: 'cancel', actor, reason }, () => text(reason)));
  setHandler(followDeadlineSignal, ({ actor, dueAt, reason }) =>
    onSignal({ type: 'follow_deadline', actor, dueAt, reason }, () => ({ code: 'deadline_changed', en: reason, zh: reason })),
  );
  setHandler(releaseTaskSignal, () => {
    released = true;
  });

  // ---- Queries ----
  setHandler(taskStateQuery, () => taskToWire(state));
  setHandler(taskDetailQuery, () => state);

  // ---- Timers: one wake-up at the next instant a light could change (or an urge escalates) ----
  function wakeAt(now: Instant): Instant | null {
    const lights = nextWakeAt(state, now);
    const escalation = urge?.nextAt ?? null;
    if (lights === null) return escalation;
    return escalation === null ? lights : Math.min(lights, escalation);
  }

  function onWake(now: Instant) {
    if (urge && now >= urge.nextAt) escalateUrge(urge, now);
    if (lightWouldChange(state, now)) apply({ type: 'tick', actor: SYSTEM_ACTOR, at: now });
  }

  function escalateUrge(current: UrgeEscalation, now: Instant) {
    const level = current.level === 0 ? 'department_leader' : 'supervision_office';
    const reason = {
      code: 'urge_escalated',
      en: `no action on urge #${current.urge}: escalated to the ${level === 'department_leader' ? 'department leader' : 'supervision office'}`,
      zh: `催办第${current.urge}次后未办理，已升级至${level === 'department_leader' ? '部门分管领导' : '督查室'}`,
    };
    record('urge_escalated', SYSTEM_ACTOR, now, reason, { urge: current.urge, level });
    notifications.push({
      workflowId,
      eventRef: `urge${current.urge}`,
      suffix: level,
      event: 'urge_escalated',
      item: input.item,
      taskId: state.id,
      departmentId: state.departmentId,
      escalationLevel: level,
      reason: { code: 'escalated_report', en: reason.en, zh: reason.zh },
      occurredAt: now,
    });
    urge =
      current.level === 0 && options.urgeEscalateAfterMs != null
        ? { ...current, level: 1, nextAt: current.nextAt + options.urgeEscalateAfterMs }
        : null;
    projectionDue = true;
  }

  // ---- The pump: projection, notifications and the item's copy, coalesced, in the background ----
  // Notifications go out in order on a chain of their own: while Redis is down they wait, but the
  // read model and the item's copy keep following the task (before the patch they shared one wait).
  let notifying: Promise<void> = Promise.resolve();
  let notificationBatchesInFlight = 0;
  function sendInOrder(sends: NotifyInput[], notify: (n: NotifyInput) => Promise<unknown>) {
    notificationBatchesInFlight += 1;
    notifying = notifying
      .then(() => Promise.all(sends.map((n) => notify(n))))
      .then(
        () => undefined,
        (error: unknown) => log.warn('notification not handed over', { error: String(error) }),
      )
      .finally(() => {
        notificationBatchesInFlight -= 1;
      });
  }

  async function pump(): Promise<never> {
    for (;;) {
      await condition(() => !outboxEmpty());
      pumping = true;
      const entries = timeline;
      const sends = notifications;
      const parent = parentDue;
      const project = projectionDue;
      timeline = [];
      notifications = [];
      parentDue = null;
      projectionDue = false;
      const { projectTask, notify } = outboxActivities();
      const work: Promise<unknown>[] = [];
      if (patched(NOTIFY_APART_FROM_PROJECTION)) {
        if (sends.length > 0) sendInOrder(sends, notify);
      } else work.push(...sends.map((n) => notify(n)));
      if (project) {
        work.push(projectTask({ task: state, workflowId, transferredFrom: input.fromTaskId ?? null, timeline: entries }));
      }
      if (parent) {
        if (patched(TELL_ITEM_BY_LOCAL_ACTIVITY)) work.push(tellItem({ itemWorkflowId: input.parentWorkflowId, change: parent }));
        else {
          work.push(
            getExternalWorkflowHandle(input.parentWorkflowId)
              .signal(taskChangedSignal, parent)
              .catch((error: unknown) => log.warn('item workflow not told of a change', { error: String(error) })),
          );
        }
      }
      await Promise.all(work);
      pumping = false;
    }
  }

  /** Nothing left to project, notify or tell: the workflow may end or continue as new. */
  const outboxIdle = () => allHandlersFinished() && outboxEmpty() && !pumping && notificationBatchesInFlight === 0;

  const historyTooLong = () =>
    workflowInfo().continueAsNewSuggested ||
    (options.continueAsNewAfterEvents !== undefined && workflowInfo().historyLength > options.continueAsNewAfterEvents);

  async function timers(): Promise<TaskWire> {
    for (;;) {
      if (released && isClosedStatus(state.status)) {
        await condition(outboxIdle);
        return taskToWire(state);
      }
      if (historyTooLong()) {
        await condition(outboxIdle);
        const carried: TaskCarried = { state, recentUpdates: recent.toJSON(), timelineSeq, urge };
        return continueAsNew<typeof task>({ ...input, carried });
      }
      const now = Date.now();
      const at = wakeAt(now);
      armedAt = at;
      dirty = false;
      const wake = () => dirty || released || historyTooLong();
      if (at === null) {
        await condition(wake);
      } else if (!(await condition(wake, Math.max(at - now, 1)))) {
        onWake(Date.now());
      }
    }
  }

  return Promise.race([timers(), pump()]);
}
