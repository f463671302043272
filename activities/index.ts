import type { OutboxActivities } from '../workflows/outbox-contract';
import { createArchiveActivities } from './archive-histories';
import type { ActivityDeps } from './deps';
import { createNotifyActivities } from './notify';
import { createProjectionActivities } from './projection';
import { createTellItemActivities } from './tell-item';

export type { ActivityDeps } from './deps';
export type {
  ArchiveItemHistoriesInput,
  NotifyInput,
  NotifyResult,
  ProjectItemInput,
  ProjectTaskInput,
  TellItemInput,
  TimelineEntry,
} from '../workflows/outbox-contract';

/** Activities with their dependencies injected; the worker registers what this returns. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createProjectionActivities(deps.db, deps.queues),
    ...createNotifyActivities(deps.queues),
    ...createArchiveActivities(deps),
    ...createTellItemActivities(),
  } satisfies OutboxActivities;
}

export type Activities = ReturnType<typeof createActivities>;
