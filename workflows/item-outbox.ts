// The item workflow's outbox: task workflows to start, messages to them, notifications and the
// projection, carried out in the background by one pump so handlers never wait on the world.
import { condition, getExternalWorkflowHandle, log, ParentClosePolicy, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { ItemState, TaskMessage } from '../domain';
import { taskWorkflowId } from './ids';
import type { NotifyInput } from './outbox-contract';
import { outboxActivities } from './outbox-activities';
import { task } from './task';
import { cancelTaskSignal, followDeadlineSignal, releaseTaskSignal, type TaskInput } from './task-definitions';
import type { Timeline } from './timeline';

interface ChildMessage {
  taskId: string;
  message: TaskMessage;
}

export class ItemOutbox {
  private starts: TaskInput[] = [];
  private messages: ChildMessage[] = [];
  private notifications: NotifyInput[] = [];
  private projectionDue = false;
  private pumping = false;

  constructor(
    private readonly workflowId: string,
    readonly timeline: Timeline,
    /** Task ids whose workflow was already started (never start one twice). */
    readonly started: Set<string>,
    private readonly current: () => ItemState,
  ) {}

  start(input: TaskInput): void {
    this.starts.push(input);
  }

  tell(taskId: string, message: TaskMessage): void {
    this.messages.push({ taskId, message });
  }

  notify(n: NotifyInput): void {
    this.notifications.push(n);
  }

  project(): void {
    this.projectionDue = true;
  }

  private get empty(): boolean {
    return this.starts.length === 0 && this.messages.length === 0 && this.notifications.length === 0 && this.timeline.empty && !this.projectionDue;
  }

  /** Nothing left to start, tell, notify or project. */
  get idle(): boolean {
    return this.empty && !this.pumping;
  }

  async pump(): Promise<never> {
    for (;;) {
      await condition(() => !this.empty);
      this.pumping = true;
      const starts = this.starts.filter((s) => !this.started.has(s.task.id));
      this.starts = [];
      await Promise.all(starts.map((s) => this.startTask(s)));
      const messages = this.messages;
      const sends = this.notifications;
      const entries = this.timeline.take();
      const project = this.projectionDue || entries.length > 0;
      this.messages = [];
      this.notifications = [];
      this.projectionDue = false;
      const { projectItem, notify } = outboxActivities();
      const work: Promise<unknown>[] = messages.map((m) => this.send(m));
      if (project) {
        const state = this.current();
        work.push(projectItem({ state, workflowId: this.workflowId, launchedAt: state.launchedAt, timeline: entries, tail: this.timeline.tail() }));
      }
      work.push(...sends.map((n) => notify(n)));
      await Promise.all(work);
      this.pumping = false;
    }
  }

  private async startTask(input: TaskInput): Promise<void> {
    try {
      await startChild(task, {
        workflowId: taskWorkflowId(input.task.id),
        args: [input],
        // Tasks outlive a continue-as-new of the item; the item ends them itself (release).
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    this.started.add(input.task.id);
  }

  private async send({ taskId, message }: ChildMessage): Promise<void> {
    const handle = getExternalWorkflowHandle(taskWorkflowId(taskId));
    try {
      if (message.type === 'cancel') await handle.signal(cancelTaskSignal, { actor: message.actor, reason: message.reason });
      else if (message.type === 'deadline') await handle.signal(followDeadlineSignal, { actor: message.actor, dueAt: message.dueAt, reason: message.reason });
      else await handle.signal(releaseTaskSignal);
    } catch (error) {
      log.warn('task workflow not reached', { taskId, error: String(error) });
    }
  }
}
