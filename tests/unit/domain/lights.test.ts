import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WEEKENDS_ONLY_CHINA } from '../../../domain/calendar';
import { DAY_MS, HOUR_MS, SECOND_MS } from '../../../domain/durations';
import { evaluateLight, lightTriggers, nextWakeAt, paceLagAt, worseLight } from '../../../domain/lights';
import { applyTaskEvent } from '../../../domain/task-transitions';
import type { TaskState, TaskStatus } from '../../../domain/types';
import { T0, at, deptActor, ev, policy, supervisor, task } from './task-fixtures';

const dept = deptActor('d1');
const signed = (t: TaskState, when = T0 + HOUR_MS) => applyTaskEvent(t, ev('sign', dept, when), when).state;
const codes = (t: TaskState, now: number) => evaluateLight(t, now).reasons.map((r) => r.code);

describe('green, yellow at warnAt, red at dueAt', () => {
  const t = signed(task()); // due T0+10d, warn 2 days before, signed at once

  it('is green and on track before warnAt', () => {
    expect(evaluateLight(t, T0 + HOUR_MS)).toEqual({
      light: 'green',
      reason: { code: 'on_track', en: 'on track', zh: '正常推进' },
      reasons: [{ code: 'on_track', en: 'on track', zh: '正常推进' }],
    });
  });

  it('turns yellow exactly at warnAt, not a millisecond before', () => {
    expect(t.warnAt).toBe(T0 + 8 * DAY_MS);
    expect(evaluateLight(t, t.warnAt - 1).light).toBe('green');
    expect(evaluateLight(t, t.warnAt).reason).toEqual({
      code: 'warning_window',
      en: 'due within 2 days',
      zh: '距办理期限不足2天',
    });
  });

  it('turns red exactly at dueAt', () => {
    expect(evaluateLight(t, t.dueAt - 1).light).toBe('yellow');
    expect(evaluateLight(t, t.dueAt)).toMatchObject({
      light: 'red',
      reason: { code: 'due_passed', en: 'due date passed', zh: '已超过办理期限' },
    });
  });

  it('a submitted task still turns red at its due date (it is open until accepted)', () => {
    const sub = applyTaskEvent(t, ev('complete', dept, T0 + DAY_MS, { summary: 'done' }), T0 + DAY_MS).state;
    expect(evaluateLight(sub, sub.dueAt).light).toBe('red');
  });
});

describe('sign-in', () => {
  const t = task(); // signDueAt = T0 + 1 day, escalation 3 days

  it('is yellow once the sign-in deadline passes unsigned, saying so in plain words', () => {
    expect(evaluateLight(t, t.signDueAt - 1).light).toBe('green');
    expect(evaluateLight(t, t.signDueAt)).toMatchObject({
      light: 'yellow',
      reason: { code: 'sign_overdue', en: 'not signed within 1 day', zh: '1天内未签收' },
    });
  });

  it('speaks of working days when the sign-in window was set in working days', () => {
    const w = task({ policy: policy({ signWithinWorkingDays: 1 }) });
    expect(evaluateLight(w, w.signDueAt).reason).toMatchObject({
      en: 'not signed within 1 working day',
      zh: '1个工作日内未签收',
    });
  });

  it('escalates to red after staying yellow for the escalation period', () => {
    const redAt = t.signDueAt + 3 * DAY_MS;
    expect(evaluateLight(t, redAt - 1).light).toBe('yellow');
    expect(evaluateLight(t, redAt)).toMatchObject({
      light: 'red',
      reason: {
        code: 'escalated_sign',
        en: 'still not signed 3 days after the sign-in deadline',
        zh: '超过签收期限3天仍未签收',
      },
    });
  });

  it('stops counting once signed', () => {
    expect(evaluateLight(signed(t), t.signDueAt + 3 * DAY_MS).light).toBe('green');
  });

  it('when sign-in and warning instants coincide: one instant, both reasons, sign-in first', () => {
    const c = task({ dueAt: T0 + 3 * DAY_MS, policy: policy({ warnBeforeMs: 2 * DAY_MS, signWithinMs: DAY_MS }) });
    expect(c.signDueAt).toBe(c.warnAt);
    expect(nextWakeAt(c, T0)).toBe(c.warnAt);
    expect(evaluateLight(c, c.warnAt - 1).light).toBe('green');
    expect(codes(c, c.warnAt)).toEqual(['sign_overdue', 'warning_window']);
    // After that instant: the due date (T0+3d) comes before the sign escalation (T0+4d).
    expect(nextWakeAt(c, c.warnAt)).toBe(c.dueAt);
    expect(codes(c, c.dueAt)).toEqual(['due_passed']);
    expect(nextWakeAt(c, c.dueAt)).toBe(c.signDueAt + 3 * DAY_MS);
    expect(codes(c, c.signDueAt + 3 * DAY_MS)).toEqual(['due_passed', 'escalated_sign']);
    expect(nextWakeAt(c, c.signDueAt + 3 * DAY_MS)).toBeNull();
  });
});

describe('progress reports', () => {
  const weekly = policy({ reportEveryMs: 7 * DAY_MS, escalateAfterMs: 3 * DAY_MS });
  const t = signed(task({ dueAt: T0 + 60 * DAY_MS, policy: weekly }));

  it('is yellow when no report came for the cadence, counted from the start', () => {
    expect(evaluateLight(t, T0 + 7 * DAY_MS - 1).light).toBe('green');
    expect(evaluateLight(t, T0 + 7 * DAY_MS)).toMatchObject({
      light: 'yellow',
      reason: { code: 'report_overdue', en: 'no progress report for 7 days', zh: '7天未反馈进展' },
    });
  });

  it('a report resets the clock', () => {
    const reported = applyTaskEvent(t, ev('progress', dept, T0 + 6 * DAY_MS, { text: 'halfway' }), T0 + 6 * DAY_MS).state;
    expect(evaluateLight(reported, T0 + 7 * DAY_MS).light).toBe('green');
    expect(nextWakeAt(reported, T0 + 7 * DAY_MS)).toBe(T0 + 13 * DAY_MS);
    expect(evaluateLight(reported, T0 + 13 * DAY_MS).reason.code).toBe('report_overdue');
  });

  it('escalates to red when reporting stays overdue for the escalation period', () => {
    expect(evaluateLight(t, T0 + 10 * DAY_MS)).toMatchObject({
      light: 'red',
      reason: { code: 'escalated_report', en: 'progress report overdue for 3 days', zh: '进展反馈逾期3天' },
    });
  });

  it('works at demo scale (PT5S)', () => {
    const demo = signed(
      task({ dueAt: T0 + HOUR_MS, policy: policy({ reportEveryMs: 5 * SECOND_MS, escalateAfterMs: 10 * SECOND_MS, warnBeforeMs: 0 }) }),
      T0,
    );
    expect(nextWakeAt(demo, T0)).toBe(T0 + 5 * SECOND_MS);
    expect(evaluateLight(demo, T0 + 5 * SECOND_MS).reason.en).toBe('no progress report for 5 seconds');
    expect(nextWakeAt(demo, T0 + 5 * SECOND_MS)).toBe(T0 + 15 * SECOND_MS);
    expect(evaluateLight(demo, T0 + 15 * SECOND_MS).light).toBe('red');
  });

  it('is not asked of an unsigned task (the sign-in rule covers it) nor of a submitted one', () => {
    const unsigned = task({ dueAt: T0 + 60 * DAY_MS, policy: { ...weekly, signWithinMs: 30 * DAY_MS } });
    expect(evaluateLight(unsigned, T0 + 8 * DAY_MS).light).toBe('green');
    const sub = applyTaskEvent(t, ev('complete', dept, T0 + DAY_MS, { summary: 'done' }), T0 + DAY_MS).state;
    expect(evaluateLight(sub, T0 + 20 * DAY_MS).light).toBe('green');
  });
});

describe('pace (序时进度)', () => {
  // 100 days from T0; yellow when progress lags the share of time used by more than 20 points.
  const paced = signed(task({ dueAt: T0 + 100 * DAY_MS, policy: policy({ paceMarginPercent: 20, warnBeforeMs: 0 }) }), T0);

  it('is yellow from the first instant the lag exceeds the margin', () => {
    expect(paceLagAt(paced)).toBe(T0 + 20 * DAY_MS + 1);
    expect(evaluateLight(paced, T0 + 20 * DAY_MS).light).toBe('green'); // lag exactly 20: not more
    expect(evaluateLight(paced, T0 + 20 * DAY_MS + 1)).toMatchObject({
      light: 'yellow',
      reason: {
        code: 'pace_lag',
        en: 'reported progress 0% lags the share of time used by more than 20 points',
        zh: '进度0%落后序时进度超过20个百分点',
      },
    });
  });

  it('a report with more progress moves the checkpoint', () => {
    const now = T0 + 30 * DAY_MS;
    const half = applyTaskEvent(paced, ev('progress', dept, now, { text: 'half done', percent: 50 }), now).state;
    expect(half.light).toBe('green');
    expect(paceLagAt(half)).toBe(T0 + 70 * DAY_MS + 1);
    expect(nextWakeAt(half, now)).toBe(T0 + 70 * DAY_MS + 1);
  });

  it('never lags when progress plus margin reaches 100', () => {
    const now = T0 + DAY_MS;
    const done = applyTaskEvent(paced, ev('progress', dept, now, { text: 'nearly', percent: 80 }), now).state;
    expect(paceLagAt(done)).toBeNull();
  });

  it('with a calendar, counts the share of working time', () => {
    // Mon 06-01 00:00 Beijing → Mon 06-15 00:00: 10 working days. 20% + 1 ms of working time is
    // reached 2 working days in: Wednesday 06-03 00:00 Beijing.
    const start = at('2026-06-01T00:00:00+08:00');
    const w = signed(
      task({ dueAt: at('2026-06-15T00:00:00+08:00'), policy: policy({ paceMarginPercent: 20, warnBeforeMs: 0 }) }, start),
      start,
    );
    const lagAt = paceLagAt(w, WEEKENDS_ONLY_CHINA);
    expect(lagAt).toBe(at('2026-06-03T00:00:00+08:00') + 1);
    expect(evaluateLight(w, lagAt! - 1, WEEKENDS_ONLY_CHINA).light).toBe('green');
    expect(evaluateLight(w, lagAt!, WEEKENDS_ONLY_CHINA).reason.code).toBe('pace_lag');
    expect(nextWakeAt(w, start, WEEKENDS_ONLY_CHINA)).toBe(lagAt);
    // Elapsed time alone would say 20% of 14 days = 2.8 days.
    expect(paceLagAt(w)).toBe(start + Math.floor(0.2 * 14 * DAY_MS) + 1);
  });

  it('is off unless the template asks for it', () => {
    expect(paceLagAt(signed(task({ dueAt: T0 + 100 * DAY_MS })))).toBeNull();
  });
});

describe('closed tasks', () => {
  it('keep the light they had when they closed', () => {
    const t = signed(task());
    const late = t.dueAt + DAY_MS;
    const sub = applyTaskEvent(t, ev('complete', dept, late, { summary: 'done late' }), late).state;
    const acc = applyTaskEvent(sub, ev('review', supervisor, late, { decision: 'accept', comment: 'ok' }), late).state;
    expect(acc.light).toBe('red');
    expect(evaluateLight(acc, late + 100 * DAY_MS)).toMatchObject({ light: 'red', reason: { code: 'due_passed' } });
    expect(nextWakeAt(acc, late)).toBeNull();
    expect(lightTriggers(acc)).toEqual([]);
  });
});

describe('nextWakeAt', () => {
  const wakes = (t: TaskState) => {
    const out: number[] = [];
    for (let now = T0, next = nextWakeAt(t, now); next !== null; now = next, next = nextWakeAt(t, now)) out.push(next);
    return out.map((w) => (w - T0) / DAY_MS);
  };

  it('walks a signed task through warning and due date', () => {
    expect(wakes(signed(task()))).toEqual([8, 10]);
  });

  it('skips an instant hidden by a worse light (warning while already red)', () => {
    // Unsigned: sign yellow at 1d, red at 4d; the warning at 8d changes nothing; due at 10d adds a reason.
    expect(wakes(task())).toEqual([1, 4, 10]);
  });

  it('is the exact instant the light changes (property)', () => {
    const statuses: TaskStatus[] = ['assigned', 'signed', 'in_progress', 'submitted'];
    const arb = fc.record({
      dueIn: fc.integer({ min: 1, max: 60 * DAY_MS }),
      warnBefore: fc.integer({ min: 0, max: 20 * DAY_MS }),
      signWithin: fc.integer({ min: 0, max: 10 * DAY_MS }),
      reportEvery: fc.option(fc.integer({ min: 1, max: 20 * DAY_MS })),
      escalate: fc.integer({ min: 0, max: 10 * DAY_MS }),
      margin: fc.option(fc.integer({ min: 0, max: 100 })),
      percent: fc.option(fc.integer({ min: 0, max: 100 })),
      lastReportAgo: fc.option(fc.integer({ min: 0, max: 30 * DAY_MS })),
      status: fc.constantFrom(...statuses),
      nowOffset: fc.integer({ min: 0, max: 80 * DAY_MS }),
    });
    fc.assert(
      fc.property(arb, (a) => {
        const base = task({
          dueAt: T0 + a.dueIn,
          policy: policy({
            warnBeforeMs: a.warnBefore,
            signWithinMs: a.signWithin,
            reportEveryMs: a.reportEvery,
            escalateAfterMs: a.escalate,
            paceMarginPercent: a.margin,
          }),
        });
        const now = T0 + a.nowOffset;
        const s: TaskState = {
          ...base,
          status: a.status,
          percent: a.percent,
          lastReportAt: a.lastReportAgo === null ? null : Math.min(now, T0 + a.lastReportAgo),
        };
        const here = evaluateLight(s, now);
        const next = nextWakeAt(s, now);
        if (next === null) {
          expect(evaluateLight(s, now + 1000 * DAY_MS)).toEqual(here);
          return;
        }
        expect(next).toBeGreaterThan(now);
        expect(evaluateLight(s, next - 1)).toEqual(here);
        expect(evaluateLight(s, next)).not.toEqual(here);
      }),
      { numRuns: 500 },
    );
  });
});

describe('worseLight', () => {
  it('orders red > yellow > green', () => {
    expect(worseLight('green', 'yellow')).toBe('yellow');
    expect(worseLight('red', 'yellow')).toBe('red');
    expect(worseLight('green', 'green')).toBe('green');
  });
});
