import type { ActivityDeps } from './deps';

export type { ActivityDeps } from './deps';

/** Activities with their dependencies injected; the worker registers what this returns. */
export function createActivities(deps: ActivityDeps) {
  void deps;
  return {};
}

export type Activities = ReturnType<typeof createActivities>;
