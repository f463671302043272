// One supervision item: opens a task workflow per department, rolls its status and light up from
// what the tasks tell it, and carries out the supervisor's and leaders' actions on it. Every rule is
// domain's (domain/item-lifecycle.ts); this file wires handlers to it and to the outbox.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import {
  applyItemEvent,
  archiveDueAt,
  isClosedStatus,
  isFinishedItem,
  ItemRuleError,
  launchItem,
  SYSTEM_ACTOR,
  taskChangedEvent,
  validateItemAction,
} from '../domain';
import type { Actor, Instant, ItemEffect, ItemEvent, ItemState, ItemTaskSpec } from '../domain';
import {
  addAssistUpdate,
  cancelItemUpdate,
  changeDeadlineUpdate,
  instructUpdate,
  itemStateQuery,
  itemToWire,
  setPublicUpdate,
  mergeItemUpdate,
  unmergeItemUpdate,
  noteDuplicateUpdate,
  taskChangedSignal,
  tasksOpenedUpdate,
  updateSignalUpdate,
  type ItemCarried,
  type ItemInput,
  type ItemWire,
} from './item-definitions';
import { HAND_OVER_AT_MESSAGES, historyTooLong } from './hand-over';
import { itemEventOf } from './item-events';
import { ItemOutbox } from './item-outbox';
import type { OutboxActivities } from './outbox-contract';
import { RecentUpdates } from './recent-updates';
import { asFailure, ruleFailure } from './rule-failure';
import { updateValidator } from './update-validator';
import {
  SupervisionDepartments,
  SupervisionIssuedBy,
  SupervisionKind,
  SupervisionLight,
  SupervisionStatus,
} from './search-attributes';
import type { ItemRef, TaskInput } from './task-definitions';
import { Timeline } from './timeline';

export type { ItemInput } from './item-definitions';

// The audit archive of every history (Temporal forgets closed workflows after its retention). Bounded
// retries: a failure is logged, and `npm run audit -- archive` can archive the item later.
const { archiveItemHistories } = proxyActivities<OutboxActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 8 },
});

const itemRefOf = ({ item }: ItemInput): ItemRef => ({ id: item.id, code: item.code, title: item.title, kind: item.kind, issuedBy: item.issuedBy });

/** What a task workflow starts from: its spec, its item, and whom to tell. */
function taskInputOf(input: ItemInput, parentWorkflowId: string, spec: ItemTaskSpec, openedBy: Actor, fromTaskId?: string): TaskInput {
  const { options } = input;
  const ti: TaskInput = {
    task: spec,
    item: itemRefOf(input),
    parentWorkflowId,
    options: {
      urgeEscalateAfterMs: options.urgeEscalateAfterMs,
      ...(options.continueAsNewAfterEvents !== undefined ? { continueAsNewAfterEvents: options.continueAsNewAfterEvents } : {}),
    },
    openedBy,
  };
  return fromTaskId ? { ...ti, fromTaskId } : ti;
}

function upsertAttributes(state: ItemState) {
  upsertSearchAttributes([
    { key: SupervisionDepartments, value: [...new Set(state.tasks.map((t) => t.departmentId))] },
    { key: SupervisionKind, value: state.item.kind },
    { key: SupervisionLight, value: state.light },
    { key: SupervisionStatus, value: state.status },
    { key: SupervisionIssuedBy, value: state.item.issuedBy },
  ]);
}

/** The item's state and what follows from each step: timeline, tasks to start or tell, notifications. */
class ItemRun {
  readonly workflowId = workflowInfo().workflowId;
  readonly recent: RecentUpdates<ItemWire>;
  readonly outbox: ItemOutbox;
  state!: ItemState;
  /** The history has called for continue-as-new, as read where a message was applied (hand-over.ts). */
  handOverDue = false;

  constructor(readonly input: ItemInput) {
    const carried: ItemCarried | undefined = input.carried;
    this.recent = new RecentUpdates<ItemWire>(carried?.recentUpdates);
    this.outbox = new ItemOutbox(this.workflowId, new Timeline(this.workflowId, carried?.timelineSeq ?? 0), new Set(carried?.started), () => this.state);
    if (carried) this.state = carried.state;
    else {
      const now = Date.now();
      const launched = launchItem(input.item, input.tasks.map((t) => ({ ...t, itemId: input.item.id })), input.launchedBy, now);
      this.state = launched.state;
      this.carryOut(launched.effects, now);
    }
  }

  /** Applies an event the rules accept; a refusal surfaces as an ApplicationFailure. */
  apply(event: ItemEvent): void {
    try {
      const { state, effects } = applyItemEvent(this.state, event, event.at);
      this.state = state;
      this.carryOut(effects, event.at);
      this.handOverDue ||= historyTooLong(this.input.options.continueAsNewAfterEvents);
    } catch (error) {
      if (error instanceof ItemRuleError) throw ruleFailure(error.violation);
      throw asFailure(error);
    }
  }

  private carryOut(effects: readonly ItemEffect[], at: Instant): void {
    const { outbox, state } = this;
    for (const effect of effects) {
      switch (effect.type) {
        case 'record':
          outbox.timeline.record({ itemId: state.item.id, taskId: null, version: state.version }, effect.entry, effect.actor, at, effect.reason, effect.payload);
          break;
        case 'start_task':
          outbox.start(taskInputOf(this.input, this.workflowId, effect.spec, effect.openedBy, effect.fromTaskId));
          break;
        case 'tell_task':
          outbox.tell(effect.taskId, effect.message);
          break;
        case 'notify_departments':
          for (const t of state.tasks.filter((x) => !isClosedStatus(x.status))) {
            outbox.notify({
              workflowId: this.workflowId,
              eventRef: effect.ref,
              suffix: t.id,
              event: effect.kind,
              item: itemRefOf(this.input),
              taskId: t.id,
              departmentId: t.departmentId,
              message: effect.text,
              occurredAt: at,
            });
          }
          break;
        case 'projected':
          upsertAttributes(state);
          outbox.project();
          break;
      }
    }
  }

  carried(): ItemCarried {
    return { state: this.state, started: [...this.outbox.started], recentUpdates: this.recent.toJSON(), timelineSeq: this.outbox.timeline.seq };
  }
}

/** An Update on the item: validated by the domain rules before it enters history, applied once. */
function itemAction<A extends { actor: Actor }>(
  run: ItemRun,
  def: UpdateDefinition<ItemWire, [A]>,
  toEvent: (args: A, now: Instant) => ItemEvent,
  /** What the answer waits for (a cancel: every task closed). */
  settled: () => boolean = () => true,
) {
  setHandler(
    def,
    async (args: A) => {
      const id = currentUpdateInfo()?.id;
      const cached = run.recent.get(id);
      if (cached) return cached;
      run.apply(toEvent(args, Date.now()));
      await condition(settled);
      const result = itemToWire(run.state);
      run.recent.remember(id, result);
      return result;
    },
    { validator: updateValidator(run.recent, toEvent, (event, now) => validateItemAction(run.state, event, now)) },
  );
}

function wireHandlers(run: ItemRun) {
  setHandler(taskChangedSignal, (change) => run.apply(taskChangedEvent(change, Date.now())));
  // A cancel answers once every task has closed, so the caller sees the item as it ends.
  itemAction(run, cancelItemUpdate, itemEventOf.cancel, () => run.state.tasks.every((t) => isClosedStatus(t.status)));
  itemAction(run, addAssistUpdate, (a, now) => itemEventOf.addAssist(a, now, run.input));
  itemAction(run, changeDeadlineUpdate, itemEventOf.changeDeadline);
  itemAction(run, instructUpdate, itemEventOf.instruct);
  itemAction(run, setPublicUpdate, itemEventOf.setPublic);
  itemAction(run, updateSignalUpdate, itemEventOf.updateSignal);
  // A merge answers once the duplicate's tasks have closed, like a cancel.
  itemAction(run, mergeItemUpdate, itemEventOf.merge, () => run.state.tasks.every((t) => isClosedStatus(t.status)));
  itemAction(run, unmergeItemUpdate, (a, now) => itemEventOf.unmerge(a, now, run.input));
  itemAction(run, noteDuplicateUpdate, itemEventOf.noteDuplicate);
  setHandler(tasksOpenedUpdate, async () => {
    await condition(() => run.state.tasks.every((t) => run.outbox.started.has(t.id) || isClosedStatus(t.status)));
    return itemToWire(run.state);
  });
  setHandler(itemStateQuery, () => itemToWire(run.state));
}

// ---- Lifecycle: open → completed/cancelled → (archive period) → archived, tasks released ----
async function lifecycle(run: ItemRun): Promise<ItemWire> {
  const { options } = run.input;
  // In a condition, only what messages set (patch hand-over-at-messages); at the loop's steps, the history itself.
  const atMessages = patched(HAND_OVER_AT_MESSAGES);
  const tooLong = () => (atMessages && run.handOverDue) || historyTooLong(options.continueAsNewAfterEvents);
  const tooLongInCondition = atMessages ? () => run.handOverDue : tooLong;
  const idle = () => allHandlersFinished() && run.outbox.idle;
  const continueWithCarriedState = async (): Promise<never> => {
    await condition(idle);
    return continueAsNew<typeof item>({ ...run.input, carried: run.carried() });
  };

  // An unmerge reopens a cancelled (merged) item: it waits for its end again.
  const reopened = () => !isFinishedItem(run.state) && run.state.status !== 'archived';
  for (;;) {
    while (reopened()) {
      if (tooLong()) await continueWithCarriedState();
      await condition(() => isFinishedItem(run.state) || tooLongInCondition());
    }
    if (run.state.status === 'archived') break;
    const archiveAt = archiveDueAt(run.state, options.archiveAfterMs, Date.now());
    let due = false;
    for (;;) {
      if (tooLong()) await continueWithCarriedState();
      const now = Date.now();
      due = now >= archiveAt;
      if (due || reopened()) break;
      if (!(await condition(() => tooLongInCondition() || reopened(), archiveAt - now))) {
        due = true;
        break;
      }
    }
    if (due) break;
  }
  if (run.state.status !== 'archived') {
    // A cancel Update still waiting for its tasks answers first.
    await condition(allHandlersFinished);
    run.apply({ type: 'archive', actor: SYSTEM_ACTOR, at: Date.now() });
  }
  await condition(idle);
  try {
    await archiveItemHistories({ itemId: run.state.item.id });
  } catch (error) {
    log.error('item histories not archived', { itemId: run.state.item.id, error: String(error) });
  }
  return itemToWire(run.state);
}

export async function item(input: ItemInput): Promise<ItemWire> {
  const run = new ItemRun(input);
  wireHandlers(run);
  return Promise.race([lifecycle(run), run.outbox.pump()]);
}
