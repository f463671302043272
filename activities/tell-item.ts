// Tells an item workflow that one of its tasks changed. The task workflow calls this as a local
// activity: a signal sent by the workflow itself (signalExternal) costs the task one more workflow
// task for its "signaled" event, this one only a marker. At least once: the item ignores a copy no
// newer than the one it holds (versions), and a transfer it has already opened.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { taskChangedSignal } from '../workflows/item-definitions';
import type { TellItemInput } from '../workflows/outbox-contract';

export function createTellItemActivities() {
  return {
    async tellItem({ itemWorkflowId, change }: TellItemInput): Promise<{ told: boolean }> {
      try {
        await Context.current().client.workflow.getHandle(itemWorkflowId).signal(taskChangedSignal, change);
        return { told: true };
      } catch (error) {
        // An item that has ended needs no more news of its tasks.
        if (error instanceof WorkflowNotFoundError) return { told: false };
        throw error;
      }
    },
  };
}
