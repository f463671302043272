// The task workflow's outbox: what a change still has to be recorded as, who must be notified, what the
// item must be told, all carried out in the background by one pump, coalesced, in order.
import { condition, log, patched } from '@temporalio/workflow';
import { taskChangeConcernsItem, taskToWire } from '../domain';
import type { Actor, Instant, TaskState } from '../domain';
import type { TaskChangedArgs } from './item-definitions';
import { outboxActivities, tellItem } from './outbox-activities';
import type { NotifyInput, TimelineEntry } from './outbox-contract';
import type { TaskInput } from './task-definitions';
import { Timeline } from './timeline';

/**
 * Patch (the worked example of evolving a workflow, see README.md): notifications no longer hold up
 * projection and the item. Runs recorded before it awaited them together with the projection.
 */
export const NOTIFY_APART_FROM_PROJECTION = 'notify-apart-from-projection';

export class TaskOutbox {
  readonly timeline: Timeline;
  private notifications: NotifyInput[] = [];
  private projectionDue = false;
  private itemDue: TaskChangedArgs | null = null;
  /** What the item last heard; a change that leaves its status alone is not told (reads compute lights). */
  private told: TaskState | null = null;
  private pumping = false;
  // Notifications go out in order on a chain of their own: while Redis is down they wait, but the
  // read model and the item's copy keep following the task.
  private notifying: Promise<void> = Promise.resolve();
  private batchesInFlight = 0;

  constructor(
    private readonly workflowId: string,
    private readonly input: TaskInput,
    timelineSeq: number,
    private readonly current: () => TaskState,
  ) {
    this.timeline = new Timeline(workflowId, timelineSeq);
  }

  record(type: string, actor: Actor, at: Instant, reason: TimelineEntry['reason'], payload: Record<string, unknown> = {}): void {
    const s = this.current();
    this.timeline.record({ itemId: s.itemId, taskId: s.id, version: s.version }, type, actor, at, reason, payload);
    this.projectionDue = true;
  }

  notify(n: NotifyInput): void {
    this.notifications.push(n);
  }

  project(): void {
    this.projectionDue = true;
  }

  /** Queues the task's state for its item, if its status changed (or a transfer is to open). */
  tellItem(openTransfer?: TaskChangedArgs['openTransfer']): void {
    const s = this.current();
    const transfer = openTransfer ?? this.itemDue?.openTransfer;
    if (!transfer && this.itemDue === null && !taskChangeConcernsItem(this.told, s)) return;
    this.told = s;
    this.itemDue = transfer ? { task: taskToWire(s), openTransfer: transfer } : { task: taskToWire(s) };
  }

  private get empty(): boolean {
    return !this.projectionDue && this.itemDue === null && this.notifications.length === 0 && this.timeline.empty;
  }

  /** Nothing left to project, notify or tell: the workflow may end or continue as new. */
  get idle(): boolean {
    return this.empty && !this.pumping && this.batchesInFlight === 0;
  }

  async pump(): Promise<never> {
    for (;;) {
      await condition(() => !this.empty);
      this.pumping = true;
      const entries = this.timeline.take();
      const sends = this.notifications;
      const item = this.itemDue;
      const project = this.projectionDue || entries.length > 0;
      this.notifications = [];
      this.itemDue = null;
      this.projectionDue = false;
      const { projectTask, notify } = outboxActivities();
      const work: Promise<unknown>[] = [];
      if (patched(NOTIFY_APART_FROM_PROJECTION)) {
        if (sends.length > 0) this.sendInOrder(sends, notify);
      } else work.push(...sends.map((n) => notify(n)));
      if (project) {
        work.push(
          projectTask({
            task: this.current(),
            workflowId: this.workflowId,
            transferredFrom: this.input.fromTaskId ?? null,
            timeline: entries,
            tail: this.timeline.tail(),
          }),
        );
      }
      if (item) work.push(tellItem({ itemWorkflowId: this.input.parentWorkflowId, change: item }));
      await Promise.all(work);
      this.pumping = false;
    }
  }

  private sendInOrder(sends: NotifyInput[], notify: (n: NotifyInput) => Promise<unknown>): void {
    this.batchesInFlight += 1;
    this.notifying = this.notifying
      .then(() => Promise.all(sends.map((n) => notify(n))))
      .then(
        () => undefined,
        (error: unknown) => log.warn('notification not handed over', { error: String(error) }),
      )
      .finally(() => {
        this.batchesInFlight -= 1;
      });
  }
}
