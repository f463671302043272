import {
  areaUnderCurve,
  brierScore,
  featureVector,
  featuresAt,
  fitLogistic,
  predictLogistic,
  smoothedRate,
  SNAPSHOT_FRACTIONS,
  type DepartmentRecord,
  type LogisticModel,
  type RiskTaskStory,
} from './risk';

/** A closed task: its story, when it closed and whether it ever went red. */
export interface ClosedTaskStory extends RiskTaskStory {
  closedAt: number;
  red: boolean;
}

/** Below this history no badge is shown at all: too few closed tasks, or too few red among them. */
export const MIN_CLOSED = 200;
export const MIN_RED = 20;
/** The newest share of closed tasks (by closing time) held out for the figures. */
const HELD_OUT_SHARE = 0.2;

export interface RiskFigures {
  closed: number;
  red: number;
  trainSnapshots: number;
  heldOutSnapshots: number;
  brier: number;
  auc: number;
  /** The department's base red rate alone, on the same held-out snapshots. */
  baselineBrier: number;
  baselineAuc: number;
}

export type RiskTraining =
  | { ok: true; model: LogisticModel; baseRate: number; figures: RiskFigures }
  | { ok: false; closed: number; red: number };

/** Department × kind records as of any moment: closing times in order with a running red count. */
export class RecordBook {
  private readonly byKey = new Map<string, { at: number[]; red: number[] }>();
  private readonly all: { at: number[]; red: number[] } = { at: [], red: [] };

  constructor(closed: readonly ClosedTaskStory[]) {
    for (const t of [...closed].sort((a, b) => a.closedAt - b.closedAt)) {
      for (const list of [this.list(`${t.departmentId}|${t.kind}`), this.all]) {
        list.at.push(t.closedAt);
        list.red.push((list.red.at(-1) ?? 0) + (t.red ? 1 : 0));
      }
    }
  }

  private list(key: string) {
    let list = this.byKey.get(key);
    if (!list) this.byKey.set(key, (list = { at: [], red: [] }));
    return list;
  }

  /** The department's closed tasks of the kind before `at` (Infinity: all). */
  record(departmentId: string, kind: string, at = Infinity): DepartmentRecord {
    return countBefore(this.byKey.get(`${departmentId}|${kind}`), at);
  }

  /** The platform's red rate before `at` (a small prior when nothing closed yet). */
  baseRate(at = Infinity): number {
    const { closed, red } = countBefore(this.all, at);
    return (red + 1) / (closed + 2);
  }
}

function countBefore(list: { at: number[]; red: number[] } | undefined, at: number): DepartmentRecord {
  if (!list) return { closed: 0, red: 0 };
  let lo = 0;
  let hi = list.at.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list.at[mid]! < at) lo = mid + 1;
    else hi = mid;
  }
  return { closed: lo, red: lo ? list.red[lo - 1]! : 0 };
}

interface Snapshot {
  x: number[];
  baseline: number;
  y: number;
}

/** Each closed task as it stood at SNAPSHOT_FRACTIONS of its window, while still open and not yet red. */
export function snapshotsOf(tasks: readonly ClosedTaskStory[], book: RecordBook): Snapshot[] {
  const list: Snapshot[] = [];
  for (const t of tasks) {
    for (const fraction of SNAPSHOT_FRACTIONS) {
      const at = t.startedAt + fraction * (t.dueAt - t.startedAt);
      if (at >= t.closedAt || (t.redAt !== null && t.redAt <= at)) continue;
      const record = book.record(t.departmentId, t.kind, at);
      const base = book.baseRate(at);
      list.push({ x: featureVector(featuresAt(t, at, record, base)), baseline: smoothedRate(record, base), y: t.red ? 1 : 0 });
    }
  }
  return list;
}

/**
 * Trains on the older closed tasks, measures on the newest HELD_OUT_SHARE (time-ordered, so nothing
 * from the future teaches the past), then fits the served model on all of them.
 */
export function trainRisk(closed: readonly ClosedTaskStory[]): RiskTraining {
  const red = closed.filter((t) => t.red).length;
  if (closed.length < MIN_CLOSED || red < MIN_RED) return { ok: false, closed: closed.length, red };
  const ordered = [...closed].sort((a, b) => a.closedAt - b.closedAt);
  const book = new RecordBook(ordered);
  const cut = Math.floor(ordered.length * (1 - HELD_OUT_SHARE));
  const train = snapshotsOf(ordered.slice(0, cut), book);
  const test = snapshotsOf(ordered.slice(cut), book);
  const trial = fitLogistic(
    train.map((s) => s.x),
    train.map((s) => s.y),
  );
  const predicted = test.map((s) => predictLogistic(trial, s.x));
  const labels = test.map((s) => s.y);
  const all = [...train, ...test];
  const model = fitLogistic(
    all.map((s) => s.x),
    all.map((s) => s.y),
  );
  return {
    ok: true,
    model,
    baseRate: book.baseRate(),
    figures: {
      closed: closed.length,
      red,
      trainSnapshots: train.length,
      heldOutSnapshots: test.length,
      brier: brierScore(predicted, labels),
      auc: areaUnderCurve(predicted, labels),
      baselineBrier: brierScore(
        test.map((s) => s.baseline),
        labels,
      ),
      baselineAuc: areaUnderCurve(
        test.map((s) => s.baseline),
        labels,
      ),
    },
  };
}
