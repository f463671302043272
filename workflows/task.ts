// One department task: its lights driven by one re-armable wake-up timer, every action an Update
// checked by the domain rules before it enters history, every change projected, notified and told
// to the item workflow by the outbox (task-run.ts, task-handlers.ts, task-outbox.ts).
import { allHandlersFinished, condition, continueAsNew, patched } from '@temporalio/workflow';
import { isClosedStatus, taskToWire } from '../domain';
import type { TaskWire } from '../domain';
import type { TaskInput } from './task-definitions';
import { wireTaskHandlers } from './task-handlers';
import { CATCH_UP_BEFORE_SLEEP, HAND_OVER_AT_MESSAGES, WAKE_WHILE_HANDING_OVER } from './hand-over';
import { TaskRun } from './task-run';

export type { TaskInput } from './task-definitions';

/** Sleeps from wake-up to wake-up until the item releases the closed task or history grows too long. */
async function wakeUps(run: TaskRun): Promise<TaskWire> {
  const atMessages = patched(HAND_OVER_AT_MESSAGES);
  const handOver = atMessages ? () => run.handOverDue || run.historyTooLong() : () => run.historyTooLong();
  const interrupt = atMessages ? () => run.released || run.handOverDue : () => run.released || run.historyTooLong();
  const idle = () => allHandlersFinished() && run.outbox.idle;
  for (;;) {
    if (run.released && isClosedStatus(run.state.status)) {
      await condition(idle);
      return taskToWire(run.state);
    }
    if (handOver()) {
      await handingOver(run, idle);
      return continueAsNew<typeof task>({ ...run.input, carried: run.carried() });
    }
    if (await run.timer.sleep(interrupt)) run.onWake(Date.now());
  }
}

/** Waits for the outbox to drain before the hand-over: woken on time all along (patch wake-while-handing-over). */
async function handingOver(run: TaskRun, idle: () => boolean): Promise<void> {
  if (!patched(WAKE_WHILE_HANDING_OVER)) return condition(idle);
  while (!idle()) if (await run.timer.sleep(idle)) run.onWake(Date.now());
}

export async function task(input: TaskInput): Promise<TaskWire> {
  const run = new TaskRun(input);
  // A run taking over from the last applies first what fell due while that one waited to hand over:
  // before its handlers are set, which runs the signals and Updates its first workflow task brought.
  if (patched(CATCH_UP_BEFORE_SLEEP)) run.onWake(Date.now());
  wireTaskHandlers(run);
  return Promise.race([wakeUps(run), run.outbox.pump()]);
}
