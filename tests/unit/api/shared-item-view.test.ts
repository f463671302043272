// What a department reads of an item it shares (issue 21): the pure rules behind GET /api/items/:id,
// the drill-down filters and the live stream, checked without the platform.
import { describe, expect, it } from 'vitest';
import type { SessionUser } from '../../../api/authz';
import { confineDrillDown } from '../../../api/services/dashboard/drill-down';
import { eventFor } from '../../../api/services/events/changes';
import { itemDetailToWire, sharedTaskToWire } from '../../../api/services/items/read-model-wire';
import type { ItemListQuery } from '../../../api/schemas/items';
import type { TaskAsRead } from '../../../db/queries/lights';
import type { ItemEventRow, ItemRow } from '../../../db/schema/items';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const at = new Date('2026-03-02T02:00:00Z');

function task(id: string, departmentId: string, extra: Partial<TaskAsRead> = {}): TaskAsRead {
  return {
    id,
    itemId: 'item-1',
    departmentId,
    role: departmentId === A ? 'lead' : 'assist',
    status: 'in_progress',
    light: 'yellow',
    lightReasonCode: 'progress_lag',
    lightReasonEn: 'progress lags',
    lightReasonZh: '进度滞后',
    nextYellowAt: null,
    nextRedAt: null,
    signDueAt: at,
    warnAt: at,
    dueAt: at,
    originalDueAt: at,
    outcome: null,
    redEver: false,
    postponed: false,
    lastReportAt: at,
    percent: 40,
    urgeCount: 1,
    returnCount: 0,
    assigneeUserId: null,
    assigneeName: null,
    signedAt: at,
    submittedAt: null,
    acceptedAt: null,
    pendingExtension: null,
    pendingTransfer: null,
    transferredTo: null,
    workingDays: null,
    version: 3,
    ...extra,
  } as TaskAsRead;
}

function event(id: string, taskId: string | null, type: string, payload: unknown): ItemEventRow {
  return { id, itemId: 'item-1', taskId, type, at, actorUserId: 'u', actorName: 'n', actorRole: 'department', actorDepartmentId: null, reasonCode: null, reasonEn: null, reasonZh: null, payload } as unknown as ItemEventRow;
}

const item = {
  id: 'item-1',
  code: 'DB-2026-000001',
  kind: 'routine',
  title: 't',
  status: 'in_progress',
  light: 'yellow',
  issuedBy: 'leader',
  dueAt: at,
  public: false,
  createdAt: at,
  completedAt: null,
  description: '',
  source: '',
  workflowId: 'item-item-1',
  cancelledAt: null,
  redEver: false,
} as unknown as ItemRow;

const tasks = [
  task('task-a', A),
  task('task-b', B, {
    status: 'accepted',
    outcome: 'on_time',
    percent: 100,
    pendingExtension: { reason: '乙局延期理由', newDueAt: at.toISOString(), requestedAt: at.toISOString() },
  }),
];
const events = [
  event('e1', null, 'launched', { tasks: [] }),
  event('e2', 'task-a', 'progress', { text: '甲局进展' }),
  event('e3', 'task-b', 'progress', { text: '乙局进展' }),
  event('e4', 'task-b', 'complete', { summary: '乙局办结报告', fields: { result: '乙局字段' } }),
];

describe("another department's task on a shared item", () => {
  it('shows who, which part, status and light, and nothing else', () => {
    expect(sharedTaskToWire(tasks[1]!)).toEqual({ taskId: 'task-b', departmentId: B, role: 'assist', status: 'accepted', light: 'yellow' });
  });

  it("gives department A its own task and timeline in full, B only by status and light, and B's records not at all", () => {
    const seen = itemDetailToWire(A, item, tasks, events);
    expect(seen.tasks.map((t) => t.id)).toEqual(['task-a']);
    expect(seen.departments.map((d) => d.taskId)).toEqual(['task-a', 'task-b']);
    expect(seen.timeline.map((e) => e.id)).toEqual(['e1', 'e2']);
    const text = JSON.stringify(seen);
    for (const mark of ['乙局进展', '乙局办结报告', '乙局字段', '乙局延期理由', 'on_time']) expect(text).not.toContain(mark);
  });

  it('gives roles that read everything every task and every entry', () => {
    const seen = itemDetailToWire(null, item, tasks, events);
    expect(seen.tasks.map((t) => t.id)).toEqual(['task-a', 'task-b']);
    expect(seen.timeline).toHaveLength(4);
  });
});

describe("a department's drill-down", () => {
  const query = (extra: Partial<ItemListQuery>) => ({ page: 1, pageSize: 20, ...extra }) as ItemListQuery;

  it('counts only its own facts, and naming only other departments finds nothing', () => {
    expect(confineDrillDown(query({ metric: 'onTime' }), A)).toMatchObject({ metric: 'onTime', departmentIds: A });
    expect(confineDrillDown(query({ metric: 'onTime', departmentIds: B }), A)).toBeNull();
    expect(confineDrillDown(query({ departmentIds: `${B},${A}` }), A)).toMatchObject({ departmentIds: A });
    expect(confineDrillDown(query({ dateField: 'due' }), A)).toMatchObject({ departmentIds: A });
  });

  it('leaves a plain list alone', () => {
    const plain = query({ q: 'x', departmentId: B });
    expect(confineDrillDown(plain, A)).toBe(plain);
  });
});

describe('the live stream of a department sharing an item', () => {
  const staffB: SessionUser = { id: 'u-b', username: 'b', displayName: 'b', role: 'department', departmentId: B };

  it("hears of the item's status and light, not of A's task", () => {
    expect(eventFor(staffB, { type: 'task', itemId: 'item-1', taskId: 'task-a', departmentId: A, status: 'submitted', light: 'green', version: 4 })).toBeNull();
    expect(eventFor(staffB, { type: 'item', itemId: 'item-1', status: 'in_progress', light: 'yellow', departmentIds: [A, B] })).toEqual({
      event: 'item',
      data: { itemId: 'item-1', status: 'in_progress', light: 'yellow' },
    });
  });
});
