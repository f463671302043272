// Which point of a task's history a recorded projection stands for (the engine property test).
//
// A projection is a local activity. Its marker holds the state the workflow had when it scheduled it,
// but is written where it completed, and in between the workflow may have moved on: a local activity
// that outlives its workflow task (a heartbeat, or a task failed by UnhandledCommand) completes in the
// next one, after that task's signals, Updates and timers have been applied.
// Every change raises the task's version, so the recorded state is the one the workflow last had
// with that version, at or before the marker: the marker itself when nothing came between.

export interface VersionedPoint<C> {
  /** Where the audit replay is cut for this point. */
  cut: C;
  /** Index of `cut` in the task's ordered events. */
  position: number;
  /** The task's version there. */
  version: number;
}

/** The cut to compare a projection recorded at `markerPosition` with: the latest point with its version, else the marker. */
export function projectionReference<C>(marker: C, markerPosition: number, recordedVersion: number, points: readonly VersionedPoint<C>[]): C {
  let best: VersionedPoint<C> | null = null;
  for (const p of points) {
    if (p.position <= markerPosition && p.version === recordedVersion && (!best || p.position >= best.position)) best = p;
  }
  return best?.cut ?? marker;
}
