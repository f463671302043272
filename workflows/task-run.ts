// One task workflow's state and what follows from each change: the domain rules decide, this class
// carries out their effects through the outbox, the urge escalation and the wake-up timer.
import { uuid4, workflowInfo } from '@temporalio/workflow';
import { applyTaskEvent, isClosedStatus, lightWouldChange, nextWakeAt, openTask, SYSTEM_ACTOR, TaskRuleError } from '../domain';
import type { Actor, Instant, NotifyEffect, TaskEffect, TaskEvent, TaskState } from '../domain';
import type { TaskChangedArgs } from './item-definitions';
import type { NotifyInput, TimelineEntry } from './outbox-contract';
import { RecentUpdates } from './recent-updates';
import { asFailure, ruleFailure } from './rule-failure';
import type { TaskCarried, TaskInput, UrgeEscalation } from './task-definitions';
import { TaskOutbox } from './task-outbox';
import { historyTooLong } from './hand-over';
import { WakeUpTimer } from './wake-up-timer';
import type { TaskWire } from '../domain';
import { openingInstant } from './opening';

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
  // Requests for the supervision office and deadline changes for the department.
  'submitted',
  'extension_requested',
  'transfer_requested',
  'deadlines_changed',
]);

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

export class TaskRun {
  readonly workflowId = workflowInfo().workflowId;
  readonly recent: RecentUpdates<TaskWire>;
  readonly outbox: TaskOutbox;
  readonly timer: WakeUpTimer;
  state: TaskState;
  urge: UrgeEscalation | null;
  released = false;
  /**
   * The history has called for continue-as-new, as read where a message was applied (patch
   * hand-over-at-messages, hand-over.ts), never inside a condition.
   */
  handOverDue = false;

  constructor(readonly input: TaskInput) {
    const carried: TaskCarried | undefined = input.carried;
    this.urge = carried?.urge ?? null;
    this.recent = new RecentUpdates<TaskWire>(carried?.recentUpdates);
    this.outbox = new TaskOutbox(this.workflowId, input, carried?.timelineSeq ?? 0, () => this.state);
    this.timer = new WakeUpTimer((now) => this.wakeAt(now));
    if (carried) {
      this.state = carried.state;
      return;
    }
    const now = openingInstant();
    const opened = openTask(input.task, now);
    this.state = opened.state;
    this.outbox.record(input.fromTaskId ? 'opened_by_transfer' : 'assigned', input.openedBy, now, null, {
      departmentId: this.state.departmentId,
      role: this.state.role,
      dueAt: this.state.dueAt,
      ...(input.fromTaskId ? { fromTaskId: input.fromTaskId } : {}),
    });
    this.commit(this.state, this.state, opened.effects, { type: 'tick', actor: input.openedBy, at: now }, null);
  }

  /** Applies an event that already passed validation; throws only ApplicationFailure. */
  apply(event: TaskEvent, reason: TimelineEntry['reason'] = null): void {
    try {
      const previous = this.state;
      const { state: next, effects } = applyTaskEvent(previous, event, event.at);
      this.commit(previous, next, effects, event, reason);
    } catch (error) {
      if (error instanceof TaskRuleError) throw ruleFailure(error.violation);
      throw asFailure(error);
    }
  }

  /** Carries out a transition's effects and records the event itself. */
  private commit(previous: TaskState, next: TaskState, effects: TaskEffect[], event: TaskEvent, reason: TimelineEntry['reason']): void {
    this.state = next;
    const { actor, at, type, ...payload } = event as TaskEvent & Record<string, unknown>;
    if (type !== 'tick') this.outbox.record(type, actor, at, reason, payload);
    let openTransfer: TaskChangedArgs['openTransfer'];
    for (const effect of effects) {
      if (effect.type === 'notify') this.queueNotify(effect, at, requesterOf(effect.kind, previous));
      else if (effect.type === 'light_changed') {
        this.outbox.record('light_changed', type === 'tick' ? SYSTEM_ACTOR : actor, at, effect.reason, { from: effect.from, to: effect.to });
      } else if (effect.type === 'open_transfer_task') {
        openTransfer = this.openTransfer(effect, actor, at);
      }
    }
    if (ANSWERS_URGE.has(type) || isClosedStatus(this.state.status)) this.urge = null;
    const escalateAfter = this.input.options.urgeEscalateAfterMs;
    if (type === 'urge' && escalateAfter != null) {
      this.urge = { urge: this.state.urgeCount, urgedAt: at, level: 0, nextAt: at + escalateAfter };
    }
    this.outbox.project();
    this.outbox.tellItem(openTransfer);
    this.timer.changed(at);
    this.handOverDue ||= this.historyTooLong();
  }

  historyTooLong(): boolean {
    return historyTooLong(this.input.options.continueAsNewAfterEvents);
  }

  private openTransfer(effect: Extract<TaskEffect, { type: 'open_transfer_task' }>, actor: Actor, at: Instant): TaskChangedArgs['openTransfer'] {
    const s = this.state;
    const spec = {
      id: uuid4(),
      itemId: s.itemId,
      departmentId: effect.departmentId,
      role: effect.role,
      dueAt: effect.dueAt,
      warnAt: effect.warnAt,
      originalDueAt: effect.originalDueAt,
      postponed: effect.postponed,
      policy: s.policy,
    };
    this.outbox.record('transfer_opened', actor, at, null, { newTaskId: spec.id, departmentId: effect.departmentId });
    return { spec, actor };
  }

  private queueNotify(effect: NotifyEffect, at: Instant, requesterUserId?: string): void {
    if (!DELIVERED_KINDS.has(effect.kind)) return;
    const s = this.state;
    const n: NotifyInput = {
      workflowId: this.workflowId,
      eventRef: s.version,
      suffix: effect.kind,
      event: effect.kind,
      item: this.input.item,
      taskId: s.id,
      departmentId: s.departmentId,
      occurredAt: at,
    };
    if (effect.reason) n.reason = effect.reason;
    if (effect.detail) n.message = effect.detail;
    if (requesterUserId) n.requesterUserId = requesterUserId;
    if (s.assignee) n.assigneeUserId = s.assignee.userId;
    this.outbox.notify(n);
  }

  /** The next instant a light could change or an urge escalates. */
  wakeAt(now: Instant): Instant | null {
    const lights = nextWakeAt(this.state, now);
    const escalation = this.urge?.nextAt ?? null;
    if (lights === null) return escalation;
    return escalation === null ? lights : Math.min(lights, escalation);
  }

  onWake(now: Instant): void {
    if (this.urge && now >= this.urge.nextAt) this.escalateUrge(this.urge, now);
    if (lightWouldChange(this.state, now)) this.apply({ type: 'tick', actor: SYSTEM_ACTOR, at: now });
  }

  private escalateUrge(current: UrgeEscalation, now: Instant): void {
    const level = current.level === 0 ? 'department_leader' : 'supervision_office';
    const reason = {
      code: 'urge_escalated',
      en: `no action on urge #${current.urge}: escalated to the ${level === 'department_leader' ? 'department leader' : 'supervision office'}`,
      zh: `催办第${current.urge}次后未办理，已升级至${level === 'department_leader' ? '部门分管领导' : '督查室'}`,
    };
    const s = this.state;
    this.outbox.record('urge_escalated', SYSTEM_ACTOR, now, reason, { urge: current.urge, level });
    this.outbox.notify({
      workflowId: this.workflowId,
      eventRef: `urge${current.urge}`,
      suffix: level,
      event: 'urge_escalated',
      item: this.input.item,
      taskId: s.id,
      departmentId: s.departmentId,
      escalationLevel: level,
      reason: { code: 'escalated_report', en: reason.en, zh: reason.zh },
      occurredAt: now,
    });
    const after = this.input.options.urgeEscalateAfterMs;
    this.urge = current.level === 0 && after != null ? { ...current, level: 1, nextAt: current.nextAt + after } : null;
    this.outbox.project();
  }

  carried(): TaskCarried {
    return { state: this.state, recentUpdates: this.recent.toJSON(), timelineSeq: this.outbox.timeline.seq, urge: this.urge };
  }
}
