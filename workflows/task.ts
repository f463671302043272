// One department task: its lights driven by one re-armable wake-up timer, every action an Update
// checked by the domain rules before it enters history, every change projected, notified and told
// to the item workflow by the outbox (task-run.ts, task-handlers.ts, task-outbox.ts).
import { allHandlersFinished, condition, continueAsNew, patched, workflowInfo } from '@temporalio/workflow';
import { isClosedStatus, taskToWire } from '../domain';
import type { TaskWire } from '../domain';
import type { TaskInput } from './task-definitions';
import { wireTaskHandlers } from './task-handlers';
import { TaskRun } from './task-run';

export type { TaskInput } from './task-definitions';

/**
 * Whatever ends a sleep (the timer, a re-arm, the history growing too long), what is due by then is
 * applied. Before it, only the timer winning did: when it fired in the very workflow task whose
 * history length called for continue-as-new, the worker could see the length first and hand over
 * without the wake-up, the light then late until the next action, and the replay of that history
 * taking the other branch (tests/replay/known-issues/).
 */
export const WAKE_AFTER_EVERY_SLEEP = 'wake-after-every-sleep';

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
    const timerWon = await run.timer.sleep(() => run.released || historyTooLong());
    if (patched(WAKE_AFTER_EVERY_SLEEP) || timerWon) run.onWake(Date.now());
  }
}

export async function task(input: TaskInput): Promise<TaskWire> {
  const run = new TaskRun(input);
  wireTaskHandlers(run);
  return Promise.race([wakeUps(run), run.outbox.pump()]);
}
