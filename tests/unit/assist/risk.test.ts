import { describe, expect, it } from 'vitest';
import { areaUnderCurve, brierScore, featureVector, featuresAt, fitLogistic, predictLogistic, riskReasons, smoothedRate, type RiskTaskStory } from '../../../assist/risk';
import { MIN_CLOSED, RecordBook, trainRisk, type ClosedTaskStory } from '../../../assist/risk-train';
import { pinnedTopic } from '../../../assist/hotspots';

const DAY = 86_400_000;

function story(overrides: Partial<RiskTaskStory> = {}): RiskTaskStory {
  return { id: 't', departmentId: 'd', kind: 'k', startedAt: 0, dueAt: 10 * DAY, reports: [], urges: [], signedAt: DAY, redAt: null, ...overrides };
}

describe('risk features', () => {
  it('see only what was known at the moment: later reports and urges do not count', () => {
    const s = story({ reports: [{ at: 2 * DAY, percent: 30 }, { at: 8 * DAY, percent: 90 }], urges: [3 * DAY, 4 * DAY, 9 * DAY] });
    const f = featuresAt(s, 5 * DAY, { closed: 10, red: 5 }, 0.2);
    expect(f.elapsed).toBeCloseTo(0.5);
    expect(f.progress).toBeCloseTo(0.3);
    expect(f.urgesUnanswered).toBe(2);
    const later = featuresAt(s, 8.5 * DAY, { closed: 10, red: 5 }, 0.2);
    expect(later.progress).toBeCloseTo(0.9);
    expect(later.urgesUnanswered).toBe(0);
  });

  it('pull a department with little record towards the platform rate', () => {
    expect(smoothedRate(undefined, 0.2)).toBeCloseTo(0.2);
    expect(smoothedRate({ closed: 1, red: 1 }, 0.2)).toBeLessThan(0.5);
    expect(smoothedRate({ closed: 100, red: 100 }, 0.2)).toBeGreaterThan(0.95);
  });

  it('name the reasons: the record, time against progress, urges unanswered', () => {
    const f = featuresAt(story({ urges: [6 * DAY] }), 7 * DAY, { closed: 20, red: 15 }, 0.1);
    const codes = riskReasons(f, 0.1).map((r) => r.code);
    expect(codes).toEqual(['department_record', 'time_vs_progress', 'urges_unanswered']);
    expect(riskReasons(f, 0.1)[1]!.zh).toContain('时限已用 70%');
    const calm = featuresAt(story({ reports: [{ at: DAY, percent: 50 }] }), 2 * DAY, { closed: 20, red: 0 }, 0.1);
    expect(riskReasons(calm, 0.1)).toEqual([]);
  });
});

describe('logistic regression and its measures', () => {
  it('learns a separable rule and scores the positive side higher', () => {
    const rows = Array.from({ length: 200 }, (_, i) => [i / 200 - 0.5, ((i * 7) % 13) / 13]);
    const labels = rows.map((r) => (r[0]! > 0 ? 1 : 0));
    const model = fitLogistic(rows, labels);
    expect(predictLogistic(model, [0.4, 0.5])).toBeGreaterThan(0.8);
    expect(predictLogistic(model, [-0.4, 0.5])).toBeLessThan(0.2);
  });

  it('Brier and AUC as defined', () => {
    expect(brierScore([1, 0], [1, 0])).toBe(0);
    expect(brierScore([0.5, 0.5], [1, 0])).toBe(0.25);
    expect(areaUnderCurve([0.9, 0.8, 0.1], [1, 1, 0])).toBe(1);
    expect(areaUnderCurve([0.1, 0.9], [1, 0])).toBe(0);
    expect(areaUnderCurve([0.5, 0.5], [1, 0])).toBe(0.5);
  });
});

describe('training', () => {
  function closed(n: number, redDepartment: (i: number) => boolean): ClosedTaskStory[] {
    return Array.from({ length: n }, (_, i) => {
      const red = redDepartment(i);
      const startedAt = i * DAY;
      return {
        ...story({ id: `t${i}`, departmentId: red ? 'late' : 'prompt', startedAt, dueAt: startedAt + 10 * DAY, reports: red ? [] : [{ at: startedAt + 2 * DAY, percent: 40 }] }),
        closedAt: startedAt + 11 * DAY,
        red,
      };
    });
  }

  it('refuses too little history', () => {
    expect(trainRisk(closed(MIN_CLOSED - 1, (i) => i % 3 === 0))).toMatchObject({ ok: false, closed: MIN_CLOSED - 1 });
    expect(trainRisk(closed(MIN_CLOSED + 50, (i) => i % 50 === 0))).toMatchObject({ ok: false });
  });

  it('measures on the newest tasks; a department that always goes red scores higher', () => {
    const outcome = trainRisk(closed(300, (i) => i % 3 === 0));
    if (!outcome.ok) throw new Error('expected a model');
    expect(outcome.figures.heldOutSnapshots).toBeGreaterThan(0);
    expect(outcome.figures.auc).toBeGreaterThan(0.9);
    const book = new RecordBook(closed(300, (i) => i % 3 === 0));
    const open = story({ startedAt: 400 * DAY, dueAt: 410 * DAY });
    const score = (departmentId: string) => predictLogistic(outcome.model, featureVector(featuresAt({ ...open, departmentId }, 405 * DAY, book.record(departmentId, 'k'), book.baseRate())));
    expect(score('late')).toBeGreaterThan(score('prompt'));
  });

  it('the record book counts only tasks closed before the moment', () => {
    const book = new RecordBook(closed(30, (i) => i % 2 === 0));
    expect(book.record('late', 'k', 11 * DAY + 1)).toEqual({ closed: 1, red: 1 });
    expect(book.record('late', 'k')).toEqual({ closed: 15, red: 15 });
  });
});

describe('pinned topic', () => {
  it('counts texts with its first word or two of its words, and their trend and series over the window', () => {
    const from = new Date(0);
    const to = new Date(10 * DAY);
    const doc = (id: string, day: number, tokens: string[]) => ({ id, tokens, at: new Date(day * DAY), departmentIds: ['a'] });
    const figures = pinnedTopic([doc('1', 1, ['停车', '小区']), doc('2', 6, ['小区', '收费']), doc('3', 7, ['噪音']), doc('4', 8, ['停车'])], ['停车', '小区', '收费'], { from, to, buckets: 2 });
    expect(figures.count).toBe(3);
    expect(figures.trend).toBe(1);
    expect(figures.series).toEqual([1, 2]);
  });
});
