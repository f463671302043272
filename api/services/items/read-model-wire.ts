// Read-model rows in the API's wire shapes (API.md "Shapes"): ISO instants, nothing internal.
// Also the one place deciding what a department reads of an item it shares with others.
import type { ItemEventRow, ItemRow } from '../../../db/schema/items';
import type { ItemSummaryRow } from '../../../db/queries/items';
import type { TaskAsRead } from '../../../db/queries/lights';
import type { ItemKind, ItemStatus, Light, Outcome, TaskRole, TaskStatus, TaskWire } from '../../../domain';

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** Pending requests are stored as the API shows them; the requester's id stays internal. */
function pending<T extends object>(value: unknown, keys: readonly (keyof T)[]): T | null {
  if (typeof value !== 'object' || value === null) return null;
  return Object.fromEntries(keys.map((k) => [k, (value as Record<string, unknown>)[k as string] ?? null])) as T;
}

/** A task row as read (db/queries/lights.ts taskAsRead): its light as of the moment of reading. */
export function taskRowToWire(t: TaskAsRead): TaskWire & { workingDays: number | null } {
  return {
    id: t.id,
    itemId: t.itemId,
    departmentId: t.departmentId,
    role: t.role as TaskRole,
    status: t.status as TaskStatus,
    light: t.light as Light,
    lightReason: { code: t.lightReasonCode, en: t.lightReasonEn, zh: t.lightReasonZh },
    nextYellowAt: iso(t.nextYellowAt),
    nextRedAt: iso(t.nextRedAt),
    signDueAt: t.signDueAt.toISOString(),
    warnAt: t.warnAt.toISOString(),
    dueAt: t.dueAt.toISOString(),
    originalDueAt: t.originalDueAt.toISOString(),
    outcome: t.outcome as Outcome,
    redEver: t.redEver,
    lastReportAt: iso(t.lastReportAt),
    percent: t.percent,
    postponed: t.postponed,
    signedAt: iso(t.signedAt),
    submittedAt: iso(t.submittedAt),
    acceptedAt: iso(t.acceptedAt),
    pendingExtension: pending<NonNullable<TaskWire['pendingExtension']>>(t.pendingExtension, ['reason', 'newDueAt', 'requestedAt']),
    pendingTransfer: pending<NonNullable<TaskWire['pendingTransfer']>>(t.pendingTransfer, [
      'reason',
      'suggestedDepartmentId',
      'requestedAt',
    ]),
    transferredTo: t.transferredTo,
    urgeCount: t.urgeCount,
    returnCount: t.returnCount,
    assignee: t.assigneeUserId ? { userId: t.assigneeUserId, name: t.assigneeName ?? '' } : null,
    workingDays: t.workingDays,
    version: t.version,
  };
}

function itemFields(i: Omit<ItemSummaryRow, 'departmentIds'>) {
  return {
    id: i.id,
    code: i.code,
    kind: i.kind as ItemKind,
    title: i.title,
    status: i.status as ItemStatus,
    light: i.light as Light,
    issuedBy: i.issuedBy,
    dueAt: i.dueAt.toISOString(),
    public: i.public,
    createdAt: i.createdAt.toISOString(),
    completedAt: iso(i.completedAt),
  };
}

export function itemSummaryToWire(i: ItemSummaryRow) {
  return { ...itemFields(i), departmentIds: i.departmentIds };
}

export function itemRowToWire(i: ItemRow) {
  return {
    ...itemFields(i),
    description: i.description,
    source: i.source,
    workflowId: i.workflowId,
    cancelledAt: iso(i.cancelledAt),
    redEver: i.redEver,
  };
}

export function timelineEntryToWire(e: ItemEventRow) {
  return {
    id: e.id,
    taskId: e.taskId,
    type: e.type,
    at: e.at.toISOString(),
    actor: { userId: e.actorUserId, name: e.actorName, role: e.actorRole, departmentId: e.actorDepartmentId },
    reason: e.reasonEn === null ? null : { code: e.reasonCode, en: e.reasonEn, zh: e.reasonZh },
    data: e.payload,
  };
}

/**
 * What a department sees of another department's task on an item they share, to coordinate:
 * who, which part, status and light. An allow-list, so its reports, outcome, form fields, requests
 * and evidence never leave (a field added to tasks later stays hidden until named here).
 */
export function sharedTaskToWire(t: TaskAsRead) {
  return { taskId: t.id, departmentId: t.departmentId, role: t.role as TaskRole, status: t.status as TaskStatus, light: t.light as Light };
}

/** Leaders' and supervisors' instructions (批示), oldest first: the item's `item_instruction` timeline entries. */
function instructionsOf(events: readonly ItemEventRow[]) {
  return events
    .filter((e) => e.type === 'item_instruction')
    .map((e) => {
      const payload = (e.payload ?? {}) as { id?: string; text?: string };
      return {
        id: payload.id ?? e.id,
        at: e.at.toISOString(),
        actor: { userId: e.actorUserId, name: e.actorName, role: e.actorRole },
        text: payload.text ?? '',
      };
    });
}

/**
 * An item's page as its reader may see it. `confinedTo` (a department, or null for roles that read
 * everything) reads in full only its own tasks and their timeline, plus the item's own entries;
 * every task sharing the item shows in `departments` with its status and light only.
 */
export function itemDetailToWire(confinedTo: string | null, item: ItemRow, tasks: readonly TaskAsRead[], events: readonly ItemEventRow[]) {
  const readable = confinedTo === null ? tasks : tasks.filter((t) => t.departmentId === confinedTo);
  const readableIds = new Set(readable.map((t) => t.id));
  const timeline = events.filter((e) => e.taskId === null || readableIds.has(e.taskId));
  return {
    ...itemRowToWire(item),
    tasks: readable.map(taskRowToWire),
    departments: tasks.map(sharedTaskToWire),
    timeline: timeline.map(timelineEntryToWire),
    instructions: instructionsOf(timeline),
  };
}
