import { describe, expect, it } from 'vitest';
import { InstantError, taskToWire, toInstant, toIso } from '../../../domain/wire';
import { T0, task } from './task-fixtures';

describe('instants on the wire', () => {
  it('reads ISO-8601 instants with a zone, and numbers', () => {
    expect(toInstant('2026-12-31T10:00:00Z')).toBe(Date.UTC(2026, 11, 31, 10));
    expect(toInstant('2026-12-31T18:00:00+08:00')).toBe(Date.UTC(2026, 11, 31, 10));
    expect(toInstant('2026-12-31T10:00:00.250Z')).toBe(Date.UTC(2026, 11, 31, 10) + 250);
    expect(toInstant(T0)).toBe(T0);
  });

  it.each(['2026-12-31', '2026-12-31T10:00:00', 'tomorrow', '2026-13-40T10:00:00Z'])('refuses %j', (v) => {
    expect(() => toInstant(v)).toThrow(InstantError);
  });

  it('writes UTC ISO strings', () => {
    expect(toIso(T0)).toBe('2026-06-01T00:00:00.000Z');
    expect(toIso(null)).toBeNull();
  });
});

describe('taskToWire', () => {
  it('gives the API Task shape with ISO times', () => {
    const w = taskToWire(task());
    expect(w).toMatchObject({
      id: 't1',
      itemId: 'i1',
      departmentId: 'd1',
      role: 'lead',
      status: 'assigned',
      light: 'green',
      signDueAt: '2026-06-02T00:00:00.000Z',
      warnAt: '2026-06-09T00:00:00.000Z',
      dueAt: '2026-06-11T00:00:00.000Z',
      originalDueAt: '2026-06-11T00:00:00.000Z',
      outcome: null,
      redEver: false,
      lastReportAt: null,
      lightReason: { code: 'on_track', en: 'on track', zh: '正常推进' },
    });
  });
});
