// Instants are epoch ms inside the domain and ISO-8601 UTC strings on the wire (API.md).
import { lightSchedule, pendingInstants } from './lights';
import type { TaskWire } from './task-wire';
import type { Instant, TaskState } from './types';

export class InstantError extends Error {
  override name = 'InstantError';
}

const ISO_INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms from an ISO-8601 instant with a zone (or a number passed through); throws InstantError. */
export function toInstant(value: string | number): Instant {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InstantError(`${value} is not a time`);
    return value;
  }
  if (!ISO_INSTANT_RE.test(value)) {
    throw new InstantError(`"${value}" is not an ISO-8601 instant with a time zone, e.g. "2026-12-31T10:00:00Z"`);
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InstantError(`"${value}" is not a real date and time`);
  return ms;
}

export function toIso(ms: Instant): string;
export function toIso(ms: Instant | null): string | null;
export function toIso(ms: Instant | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** The API's Task shape: one zod schema in task-wire.ts, its type re-exported here. */
export type { TaskWire };

export function taskToWire(s: TaskState): TaskWire {
  const next = pendingInstants(s.light, lightSchedule(s));
  return {
    id: s.id,
    itemId: s.itemId,
    departmentId: s.departmentId,
    role: s.role,
    status: s.status,
    light: s.light,
    lightReason: s.lightReasons[0] ?? null,
    nextYellowAt: toIso(next.yellow?.at ?? null),
    nextRedAt: toIso(next.red?.at ?? null),
    signDueAt: toIso(s.signDueAt),
    warnAt: toIso(s.warnAt),
    dueAt: toIso(s.dueAt),
    originalDueAt: toIso(s.originalDueAt),
    outcome: s.outcome,
    redEver: s.redEver,
    lastReportAt: toIso(s.lastReportAt),
    percent: s.percent,
    postponed: s.postponed,
    signedAt: toIso(s.signedAt),
    submittedAt: toIso(s.submittedAt),
    acceptedAt: toIso(s.acceptedAt),
    pendingExtension: s.pendingExtension && {
      reason: s.pendingExtension.reason,
      newDueAt: toIso(s.pendingExtension.newDueAt),
      requestedAt: toIso(s.pendingExtension.requestedAt),
    },
    pendingTransfer: s.pendingTransfer && {
      reason: s.pendingTransfer.reason,
      suggestedDepartmentId: s.pendingTransfer.suggestedDepartmentId,
      requestedAt: toIso(s.pendingTransfer.requestedAt),
    },
    transferredTo: s.transferredTo,
    urgeCount: s.urgeCount,
    returnCount: s.returnCount,
    assignee: s.assignee ? { userId: s.assignee.userId, name: s.assignee.name } : null,
    version: s.version,
  };
}
