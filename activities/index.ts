import { createArchiveActivities } from './archive-histories';
import type { ActivityDeps } from './deps';
import { createNotifyActivities } from './notify';
import { createProjectionActivities } from './projection';
import { createTellItemActivities } from './tell-item';

export type { ActivityDeps } from './deps';
export type { ArchiveItemHistoriesInput } from './archive-histories';
export type { NotifyInput, NotifyResult } from './notify';
export type { ProjectItemInput, ProjectTaskInput, TimelineEntry } from './projection';
export type { TellItemInput } from './tell-item';

/** Activities with their dependencies injected; the worker registers what this returns. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createProjectionActivities(deps.db),
    ...createNotifyActivities(deps.queues),
    ...createArchiveActivities(deps),
    ...createTellItemActivities(),
  };
}

export type Activities = ReturnType<typeof createActivities>;
