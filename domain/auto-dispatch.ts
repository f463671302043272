/**
 * Auto-dispatch (issue 18): the platform dispatches without a person only when an admin switched it on
 * for the kind, the served model has a threshold (its history could promise the target precision) and
 * the certainty of its answer reaches it. Anything else waits for a person.
 */
export interface RankedDepartment {
  departmentId: string;
  confidence: number;
}

/**
 * How sure the model is of its first department: its confidence less the second's. The threshold is
 * set on this (assist/train.ts), which the inner cross-validation measured as more texts covered at
 * 98 % than the top confidence alone (bench/RESULTS.md).
 */
export const certainty = (ranked: ReadonlyArray<{ confidence: number }>): number => (ranked[0]?.confidence ?? 0) - (ranked[1]?.confidence ?? 0);

/** The department to dispatch to without a person (`ranked` best first), or null. */
export function autoDispatchPick(ranked: readonly RankedDepartment[], threshold: number | null, switchedOn: boolean): RankedDepartment | null {
  const top = ranked[0];
  if (!switchedOn || !top || threshold === null || certainty(ranked) < threshold) return null;
  return { departmentId: top.departmentId, confidence: top.confidence };
}

/** The system user who dispatches without a person: seeded by migration 0033, disabled, with no password: it never signs in. */
export const AUTO_DISPATCH_USER = { id: '00000000-0000-4000-8000-00000000ad01', username: 'auto-dispatch', displayName: '智能分派 Auto-dispatch' } as const;

/** The name the item's timeline shows for an auto-dispatch: the system user and the confidence it acted on. */
export function autoDispatchActorName(confidence: number): string {
  return `${AUTO_DISPATCH_USER.displayName}（置信度 confidence ${Math.round(confidence * 100)}%）`;
}
