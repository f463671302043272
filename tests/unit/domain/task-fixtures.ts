// Shared builders for the domain tests: explicit instants, one actor per role.
import { DAY_MS } from '../../../domain/durations';
import { initialTaskState } from '../../../domain/task-transitions';
import type { NewTaskInput } from '../../../domain/task-transitions';
import type { Actor, DeadlinePolicy, TaskEvent, TaskEventOf, TaskEventType, TaskState } from '../../../domain/types';
import type { WorkCalendar } from '../../../domain/calendar';

export const at = (iso: string): number => Date.parse(iso);

/** Monday 2026-06-01 00:00 UTC (08:00 in Beijing). */
export const T0 = at('2026-06-01T00:00:00Z');

export const deptActor = (departmentId = 'd1'): Actor => ({
  userId: `u-${departmentId}`,
  name: `Staff of ${departmentId}`,
  role: 'department',
  departmentId,
});
export const supervisor: Actor = { userId: 'u-sup', name: 'Supervisor', role: 'supervisor', departmentId: null };
export const leader: Actor = { userId: 'u-lead', name: 'Leader', role: 'leader', departmentId: null };
export const admin: Actor = { userId: 'u-admin', name: 'Admin', role: 'admin', departmentId: null };
export const auditor: Actor = { userId: 'u-aud', name: 'Auditor', role: 'auditor', departmentId: null };
export const system: Actor = { userId: 'system', name: 'System', role: 'system', departmentId: null };

export function policy(overrides: Partial<DeadlinePolicy> = {}): DeadlinePolicy {
  return {
    warnBeforeMs: 2 * DAY_MS,
    signWithinMs: DAY_MS,
    reportEveryMs: null,
    escalateAfterMs: 3 * DAY_MS,
    paceMarginPercent: null,
    workingDays: null,
    ...overrides,
  };
}

export function newTask(overrides: Partial<NewTaskInput> = {}): NewTaskInput {
  return {
    id: 't1',
    itemId: 'i1',
    departmentId: 'd1',
    role: 'lead',
    dueAt: T0 + 10 * DAY_MS,
    policy: policy(),
    ...overrides,
  };
}

export function task(overrides: Partial<NewTaskInput> = {}, now = T0, calendar?: WorkCalendar): TaskState {
  return initialTaskState(newTask(overrides), now, calendar);
}

type Payload<T extends TaskEventType> = Omit<TaskEventOf<T>, 'type' | 'actor' | 'at'>;

/** An event of `type` by `actor` at `when`, with its payload. */
export function ev<T extends TaskEventType>(type: T, actor: Actor, when: number, payload?: Payload<T>): TaskEvent {
  return { type, actor, at: when, ...(payload ?? {}) } as TaskEvent;
}

/** Deep-freezes a value so a test fails if a rule mutates its input. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
