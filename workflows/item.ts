// One supervision item: opens a task workflow per department, rolls its status and light up from
// what the tasks tell it, opens a new task when a transfer is approved, cancels, and archives.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { isClosedStatus, rollUpItem } from '../domain';
import type { Actor, Instant } from '../domain';
import type { Activities, TimelineEntry } from '../activities';
import { taskWorkflowId } from './ids';
import { launchedItemState, placeholderTask } from './item-state';
import {
  cancelItemUpdate,
  itemStateQuery,
  itemToWire,
  taskChangedSignal,
  tasksOpenedUpdate,
  type ItemCarried,
  type ItemInput,
  type ItemState,
  type ItemWire,
} from './item-definitions';
import { RecentUpdates } from './recent-updates';
import { ruleFailure, malformed } from './rule-failure';
import {
  SupervisionDepartments,
  SupervisionIssuedBy,
  SupervisionKind,
  SupervisionLight,
  SupervisionStatus,
} from './search-attributes';
import { outboxActivities } from './outbox-activities';
import { SYSTEM_ACTOR } from './system-actor';
import { task } from './task';
import { cancelTaskSignal, releaseTaskSignal, type CancelTaskArgs, type TaskInput } from './task-definitions';

export type { ItemInput } from './item-definitions';

// The audit archive of every history (Temporal forgets closed workflows after its retention). Bounded
// retries: a failure is logged, and `npm run audit -- archive` can archive the item later.
const { archiveItemHistories } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 8 },
});

/** Patch: archive the histories as the item ends (items recorded before it just end). */
const ARCHIVE_HISTORIES = 'archive-item-histories';

type ChildMessage = { taskId: string; cancel: CancelTaskArgs } | { taskId: string; release: true };

export async function item(input: ItemInput): Promise<ItemWire> {
  const workflowId = workflowInfo().workflowId;
  const { options } = input;

  // ---- State ----
  const carried: ItemCarried | undefined = input.carried;
  const started = new Set<string>(carried?.started);
  const recent = new RecentUpdates<ItemWire>(carried?.recentUpdates);
  let timelineSeq = carried?.timelineSeq ?? 0;
  let state: ItemState;

  // The outbox: task workflows to start, messages to them, the projection.
  let pendingStarts: TaskInput[] = [];
  let childMessages: ChildMessage[] = [];
  let timeline: TimelineEntry[] = [];
  let projectionDue = false;
  let pumping = false;
  const outboxEmpty = () => pendingStarts.length === 0 && childMessages.length === 0 && timeline.length === 0 && !projectionDue;

  function record(type: string, actor: Actor, at: Instant, reason: TimelineEntry['reason'], payload: Record<string, unknown> = {}) {
    timeline.push({
      stream: workflowId,
      seq: ++timelineSeq,
      itemId: state.item.id,
      taskId: null,
      version: state.version,
      type,
      actor,
      reason,
      payload,
      at,
    });
    projectionDue = true;
  }

  function taskInput(spec: TaskInput['task'], openedBy: Actor, fromTaskId?: string): TaskInput {
    const ti: TaskInput = {
      task: spec,
      item: { id: state.item.id, code: state.item.code, title: state.item.title, kind: state.item.kind, issuedBy: state.item.issuedBy },
      parentWorkflowId: workflowId,
      options: {
        urgeEscalateAfterMs: options.urgeEscalateAfterMs,
        ...(options.continueAsNewAfterEvents !== undefined ? { continueAsNewAfterEvents: options.continueAsNewAfterEvents } : {}),
      },
      openedBy,
    };
    return fromTaskId ? { ...ti, fromTaskId } : ti;
  }

  function upsertAttributes() {
    upsertSearchAttributes([
      { key: SupervisionDepartments, value: [...new Set(state.tasks.map((t) => t.departmentId))] },
      { key: SupervisionKind, value: state.item.kind },
      { key: SupervisionLight, value: state.light },
      { key: SupervisionStatus, value: state.status },
      { key: SupervisionIssuedBy, value: state.item.issuedBy },
    ]);
  }

  /** What the items row and the search attributes show; a change bumps the version. */
  const projectedKey = () =>
    [state.status, state.light, state.redEver, [...new Set(state.tasks.map((t) => t.departmentId))].sort().join(',')].join('|');

  /** Re-derives status and light from the tasks; records and projects what changed. */
  function rollUp(now: Instant, actor: Actor = SYSTEM_ACTOR) {
    const before = projectedKey();
    const previous = state.status;
    const { status, light } = rollUpItem(state.tasks, state.status);
    const redEver = state.redEver || state.tasks.some((t) => t.redEver);
    state = { ...state, status, light, redEver };
    if (projectedKey() === before) return;
    state.version += 1;
    if (status !== previous) {
      if (status === 'completed') state.completedAt = now;
      record('item_status_changed', actor, now, null, { from: previous, to: status });
    }
    upsertAttributes();
    projectionDue = true;
  }

  if (carried) {
    state = carried.state;
  } else {
    const now = Date.now();
    const launched = launchedItemState(input, now);
    state = launched.state;
    const { specs } = launched;
    pendingStarts = specs.map((s) => taskInput(s, input.launchedBy));
    record('launched', input.launchedBy, now, null, { tasks: specs.map((s) => ({ id: s.id, departmentId: s.departmentId, role: s.role })) });
    upsertAttributes();
  }

  // ---- Signals: a task's new state (and maybe a transfer to open — opened BEFORE rolling up) ----
  setHandler(taskChangedSignal, ({ task: reported, openTransfer }) => {
    const now = Date.now();
    let changed = false;
    if (openTransfer && !state.tasks.some((t) => t.id === openTransfer.spec.id)) {
      if (state.status === 'cancelled' || state.status === 'archived') {
        record('transfer_dropped', openTransfer.actor, now, { code: 'item_closed', en: 'the item is closed', zh: '事项已结束' }, {
          fromTaskId: reported.id,
          departmentId: openTransfer.spec.departmentId,
        });
      } else {
        state.tasks = [...state.tasks, placeholderTask(openTransfer.spec, now)];
        pendingStarts.push(taskInput(openTransfer.spec, openTransfer.actor, reported.id));
        record('task_transferred', openTransfer.actor, now, null, {
          fromTaskId: reported.id,
          newTaskId: openTransfer.spec.id,
          departmentId: openTransfer.spec.departmentId,
        });
        changed = true;
      }
    }
    const index = state.tasks.findIndex((t) => t.id === reported.id);
    const known = state.tasks[index];
    if (known && known.version < reported.version) {
      state.tasks = state.tasks.map((t, i) => (i === index ? reported : t));
      changed = true;
    }
    if (changed) rollUp(now);
  });

  // ---- Update: cancel (supervisor only), which ends every open task with the reason ----
  setHandler(
    cancelItemUpdate,
    async ({ actor, reason }) => {
      const id = currentUpdateInfo()?.id;
      const cached = recent.get(id);
      if (cached) return cached;
      const now = Date.now();
      state = { ...state, status: 'cancelled', cancelledAt: now, cancelReason: reason, version: state.version + 1 };
      record('item_cancelled', actor, now, { code: 'cancelled', en: reason, zh: reason });
      for (const t of state.tasks) {
        if (!isClosedStatus(t.status)) childMessages.push({ taskId: t.id, cancel: { actor, reason } });
      }
      upsertAttributes();
      // Answer once every task has closed, so the caller sees the item as it ends.
      await condition(() => state.tasks.every((t) => isClosedStatus(t.status)));
      const result = itemToWire(state);
      recent.remember(id, result);
      return result;
    },
    {
      validator: (args) => {
        if (recent.has(currentUpdateInfo()?.id)) return;
        if (typeof args !== 'object' || args === null || typeof args.actor !== 'object' || args.actor === null) {
          throw ruleFailure(malformed('the request must carry its actor'));
        }
        if (args.actor.role !== 'supervisor') {
          throw ruleFailure({ code: 'forbidden', message: 'only a supervisor may cancel an item', messageZh: '仅督查室可以撤销事项' });
        }
        if (state.status !== 'launched' && state.status !== 'in_progress') {
          throw ruleFailure({
            code: 'wrong_state',
            message: `cannot cancel an item that is ${state.status}`,
            messageZh: '事项已结束，不能撤销',
          });
        }
        if (typeof args.reason !== 'string' || args.reason.trim() === '') {
          throw ruleFailure({ code: 'rule_violation', message: 'a reason is required', messageZh: '请填写撤销理由', field: 'reason' });
        }
      },
    },
  );

  setHandler(tasksOpenedUpdate, async () => {
    await condition(() => state.tasks.every((t) => started.has(t.id) || isClosedStatus(t.status)));
    return itemToWire(state);
  });

  setHandler(itemStateQuery, () => itemToWire(state));

  // ---- The pump: start task workflows, message them, project — in the background ----
  async function startTask(ti: TaskInput) {
    try {
      await startChild(task, {
        workflowId: taskWorkflowId(ti.task.id),
        args: [ti],
        // Tasks outlive a continue-as-new of the item; the item ends them itself (release).
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    started.add(ti.task.id);
  }

  async function message(m: ChildMessage) {
    const handle = getExternalWorkflowHandle(taskWorkflowId(m.taskId));
    try {
      if ('cancel' in m) await handle.signal(cancelTaskSignal, m.cancel);
      else await handle.signal(releaseTaskSignal);
    } catch (error) {
      log.warn('task workflow not reached', { taskId: m.taskId, error: String(error) });
    }
  }

  async function pump(): Promise<never> {
    for (;;) {
      await condition(() => !outboxEmpty());
      pumping = true;
      const starts = pendingStarts.filter((s) => !started.has(s.task.id));
      pendingStarts = [];
      await Promise.all(starts.map(startTask));
      const messages = childMessages;
      const entries = timeline;
      const project = projectionDue;
      childMessages = [];
      timeline = [];
      projectionDue = false;
      const work: Promise<unknown>[] = messages.map(message);
      if (project) work.push(outboxActivities().projectItem({ state, workflowId, launchedAt: state.launchedAt, timeline: entries }));
      await Promise.all(work);
      pumping = false;
    }
  }

  // ---- Lifecycle: open → completed/cancelled → (archive period) → archived, tasks released ----
  const historyTooLong = () =>
    workflowInfo().continueAsNewSuggested ||
    (options.continueAsNewAfterEvents !== undefined && workflowInfo().historyLength > options.continueAsNewAfterEvents);
  const finished = () => state.status === 'completed' || state.status === 'cancelled';
  const idle = () => allHandlersFinished() && outboxEmpty() && !pumping;

  async function continueWithCarriedState(): Promise<never> {
    await condition(idle);
    const next: ItemCarried = { state, started: [...started], recentUpdates: recent.toJSON(), timelineSeq };
    return continueAsNew<typeof item>({ ...input, carried: next });
  }

  async function lifecycle(): Promise<ItemWire> {
    while (!finished() && state.status !== 'archived') {
      if (historyTooLong()) await continueWithCarriedState();
      await condition(() => finished() || historyTooLong());
    }
    if (state.status !== 'archived') {
      const archiveAt = (state.completedAt ?? state.cancelledAt ?? Date.now()) + options.archiveAfterMs;
      for (;;) {
        if (historyTooLong()) await continueWithCarriedState();
        const now = Date.now();
        if (now >= archiveAt) break;
        if (!(await condition(historyTooLong, archiveAt - now))) break;
      }
      // A cancel Update still waiting for its tasks answers first.
      await condition(allHandlersFinished);
      const now = Date.now();
      const from = state.status;
      state = { ...state, status: from === 'completed' ? 'archived' : from, archivedAt: now, version: state.version + 1 };
      record('item_archived', SYSTEM_ACTOR, now, null, { from });
      upsertAttributes();
      for (const t of state.tasks) childMessages.push({ taskId: t.id, release: true });
    }
    await condition(idle);
    if (patched(ARCHIVE_HISTORIES)) {
      try {
        await archiveItemHistories({ itemId: state.item.id });
      } catch (error) {
        log.error('item histories not archived', { itemId: state.item.id, error: String(error) });
      }
    }
    return itemToWire(state);
  }

  return Promise.race([lifecycle(), pump()]);
}
