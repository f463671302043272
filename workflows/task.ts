// One department task: its lights driven by one re-armable wake-up timer, every action an Update
// checked by the domain rules before it enters history, every change projected, notified and told
// to the item workflow by the outbox (task-run.ts, task-handlers.ts, task-outbox.ts).
import { allHandlersFinished, condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import { isClosedStatus, taskToWire } from '../domain';
import type { TaskWire } from '../domain';
import type { TaskInput } from './task-definitions';
import { wireTaskHandlers } from './task-handlers';
import { TaskRun } from './task-run';

export type { TaskInput } from './task-definitions';

/** Sleeps from wake-up to wake-up until the item releases the closed task or history grows too long. */
async function wakeUps(run: TaskRun): Promise<TaskWire> {
  const { options } = run.input;
  const historyTooLong = () =>
    workflowInfo().continueAsNewSuggested ||
    (options.continueAsNewAfterEvents !== undefined && workflowInfo().historyLength > options.continueAsNewAfterEvents);
  const idle = () => allHandlersFinished() && run.outbox.idle;
  for (;;) {
    if (run.released && isClosedStatus(run.state.status)) {
      await condition(idle);
      return taskToWire(run.state);
    }
    if (historyTooLong()) {
      await condition(idle);
      return continueAsNew<typeof task>({ ...run.input, carried: run.carried() });
    }
    if (await run.timer.sleep(() => run.released || historyTooLong())) run.onWake(Date.now());
  }
}

export async function task(input: TaskInput): Promise<TaskWire> {
  const run = new TaskRun(input);
  wireTaskHandlers(run);
  return Promise.race([wakeUps(run), run.outbox.pump()]);
}
