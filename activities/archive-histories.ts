// Archives a closing item's histories (item + every task workflow, every run) to Postgres so audit
// outlives Temporal's retention. Called by the item workflow as it ends; safe to repeat.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { archiveItem, type ArchiveResult } from '../archive/store';
import { queueArchiveTopUp } from '../archive/top-up';
import { childWorkflowIds, fetchWorkflowRuns } from '../archive/histories';
import type { ActivityDeps } from './deps';
import type { ArchiveItemHistoriesInput } from '../workflows/outbox-contract';
import { itemWorkflowId } from '../workflows/ids';


/** How long to wait for released task workflows to end before archiving what is there. */
const TASKS_CLOSE_WAIT_MS = 60_000;

async function waitForTasksToClose(client: Client, itemId: string): Promise<void> {
  const itemRuns = await fetchWorkflowRuns(client, itemWorkflowId(itemId), 'item');
  const deadline = Date.now() + TASKS_CLOSE_WAIT_MS;
  for (const workflowId of childWorkflowIds(itemRuns)) {
    for (;;) {
      const { status } = await client.workflow.getHandle(workflowId).describe();
      if (status.name !== 'RUNNING' || Date.now() > deadline) break;
      Context.current().heartbeat(workflowId);
      await Context.current().sleep(250);
    }
  }
}

export function createArchiveActivities({ db, queues }: Pick<ActivityDeps, 'db' | 'queues'>) {
  return {
    /**
     * The item workflow's own history ends at this activity (its last few bookkeeping events follow);
     * its tasks' histories are complete. The queued top-up archives the item again once it has closed.
     */
    async archiveItemHistories({ itemId }: ArchiveItemHistoriesInput): Promise<ArchiveResult> {
      const client = Context.current().client;
      await waitForTasksToClose(client, itemId);
      const archived = await archiveItem(client, db, itemId);
      await queueArchiveTopUp(queues.archiveTopUps, itemId);
      return archived;
    },
  };
}
