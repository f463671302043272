/**
 * A synthetic but plausible task history for the red-risk model, written straight into the read model
 * (items, tasks, item_events) as the projection would: each department works at its own pace, reports
 * progress now and then, is urged when it lags, and a task finished after its due date went red at it.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/client';
import { itemEvents, items, tasks } from '../../db/schema/items';
import { SUPERVISION_KINDS } from '../../domain/types';
import { rng } from '../api/dashboard-seed';

const DAY = 86_400_000;

export interface RiskHistoryOptions {
  /** Department id → its usual pace (1: finishes exactly on the due date; above: early). */
  paces: Record<string, number>;
  count: number;
  /** Spread of a task's pace around its department's (log scale); 0: every task at the department's pace. */
  noise?: number;
  /** Launches spread over `days` days ending `endsDaysAgo` days ago. */
  days?: number;
  endsDaysAgo?: number;
  seed?: number;
}

export interface SeededTask {
  id: string;
  itemId: string;
  departmentId: string;
  red: boolean;
}

type Row<T extends { $inferInsert: unknown }> = T['$inferInsert'];

/** A normal draw (Box–Muller) from the seeded generator. */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Closed (accepted) tasks over the given departments, oldest first. */
export function riskHistory(options: RiskHistoryOptions, now = Date.now()) {
  const { paces, count, noise = 0.35, days = 360, endsDaysAgo = 60, seed = 11 } = options;
  const random = rng(seed);
  const departments = Object.keys(paces);
  const base = now - (days + endsDaysAgo) * DAY;
  const stories = [];
  for (let n = 0; n < count; n++) {
    const departmentId = departments[Math.floor(random() * departments.length)]!;
    const kind = SUPERVISION_KINDS[Math.floor(random() * SUPERVISION_KINDS.length)]!;
    const startedAt = base + Math.floor((n / count) * days * DAY);
    const window = (7 + Math.floor(random() * 24)) * DAY;
    const dueAt = startedAt + window;
    const pace = paces[departmentId]! * Math.exp(noise * gaussian(random));
    const doneAt = startedAt + Math.max(DAY, Math.round(window / pace));
    const reports: Array<{ at: number; percent: number }> = [];
    for (let at = startedAt + window / 4; at < doneAt; at += window / 4 + random() * DAY) {
      if (random() < 0.7) reports.push({ at, percent: Math.min(95, Math.round(((at - startedAt) / (doneAt - startedAt)) * 100)) });
    }
    const midway = startedAt + window / 2;
    const lagging = midway < doneAt && !reports.some((r) => r.at <= midway && r.percent >= 40);
    const urges = lagging && random() < 0.7 ? [midway + DAY / 2] : [];
    const red = doneAt > dueAt;
    stories.push({ id: randomUUID(), itemId: randomUUID(), departmentId, kind, startedAt, dueAt, doneAt, reports, urges, red });
  }
  return stories;
}

/** Writes the stories into the read model as accepted tasks, one item each. */
export async function seedRiskHistory(db: Database, stories: ReturnType<typeof riskHistory>, issuedBy: string): Promise<SeededTask[]> {
  const itemRows: Row<typeof items>[] = [];
  const taskRows: Row<typeof tasks>[] = [];
  const eventRows: Row<typeof itemEvents>[] = [];
  const actor = { actorUserId: 'system', actorName: '系统', actorRole: 'system' };
  for (const s of stories) {
    const stream = `task-${s.id}`;
    let seq = 0;
    const event = (type: string, at: number, payload: Record<string, unknown>) =>
      eventRows.push({ id: `${stream}#${++seq}`, itemId: s.itemId, taskId: s.id, stream, seq, version: seq, type, ...actor, payload, at: new Date(at) });
    event('assigned', s.startedAt, {});
    event('sign', s.startedAt + DAY / 4, {});
    const timeline: Array<[number, () => void]> = [
      ...s.reports.map((r): [number, () => void] => [r.at, () => event('progress', r.at, { text: '正在推进', percent: r.percent })]),
      ...s.urges.map((at): [number, () => void] => [at, () => event('urge', at, { message: '请加快办理' })]),
    ];
    if (s.red) timeline.push([s.dueAt, () => event('light_changed', s.dueAt, { from: 'yellow', to: 'red' })]);
    timeline.push([s.doneAt, () => event('review', s.doneAt, { decision: 'accept', comment: '同意' })]);
    for (const [, emit] of timeline.sort((a, b) => a[0] - b[0])) emit();
    itemRows.push({
      id: s.itemId,
      code: `RISK-${s.itemId.slice(0, 13)}`,
      kind: s.kind,
      title: `历史任务 ${s.itemId.slice(0, 6)}`,
      status: 'completed',
      light: s.red ? 'red' : 'green',
      issuedBy,
      dueAt: new Date(s.dueAt),
      createdAt: new Date(s.startedAt),
      launchedAt: new Date(s.startedAt),
      completedAt: new Date(s.doneAt),
      redEver: s.red,
      departmentIds: [s.departmentId],
      workflowId: `item-${s.itemId}`,
      version: 1,
    });
    taskRows.push({
      ...taskBase(s, stream, seq),
      status: 'accepted',
      light: s.red ? 'red' : 'green',
      outcome: s.red ? 'overdue' : 'on_time',
      redEver: s.red,
      urgeCount: s.urges.length,
      percent: 100,
      acceptedAt: new Date(s.doneAt),
      closedAt: new Date(s.doneAt),
    });
  }
  await insertAll(db, itemRows, taskRows, eventRows);
  return stories.map((s) => ({ id: s.id, itemId: s.itemId, departmentId: s.departmentId, red: s.red }));
}

/** An open task of the department, `elapsed` of its window gone, with no report yet. */
export async function seedOpenTask(db: Database, departmentId: string, issuedBy: string, options: { kind?: string; title?: string; now?: number; windowDays?: number; elapsed?: number } = {}) {
  const now = options.now ?? Date.now();
  const window = (options.windowDays ?? 10) * DAY;
  const startedAt = now - (options.elapsed ?? 0.5) * window;
  const s = { id: randomUUID(), itemId: randomUUID(), departmentId, kind: options.kind ?? 'routine', startedAt, dueAt: startedAt + window };
  const stream = `task-${s.id}`;
  await insertAll(
    db,
    [
      {
        id: s.itemId,
        code: `RISK-${s.itemId.slice(0, 13)}`,
        kind: s.kind,
        title: options.title ?? `在办任务 ${s.itemId.slice(0, 6)}`,
        status: 'in_progress',
        light: 'green',
        issuedBy,
        dueAt: new Date(s.dueAt),
        createdAt: new Date(startedAt),
        launchedAt: new Date(startedAt),
        departmentIds: [departmentId],
        workflowId: `item-${s.itemId}`,
        version: 1,
      },
    ],
    [{ ...taskBase(s, stream, 2), status: 'in_progress', light: 'green', redAt: new Date(s.dueAt) }],
    [
      { id: `${stream}#1`, itemId: s.itemId, taskId: s.id, stream, seq: 1, version: 1, type: 'assigned', actorUserId: 'system', actorName: '系统', actorRole: 'system', payload: {}, at: new Date(startedAt) },
      { id: `${stream}#2`, itemId: s.itemId, taskId: s.id, stream, seq: 2, version: 2, type: 'sign', actorUserId: 'system', actorName: '系统', actorRole: 'system', payload: {}, at: new Date(startedAt + DAY / 4) },
    ],
  );
  return s;
}

function taskBase(s: { id: string; itemId: string; departmentId: string; startedAt: number; dueAt: number }, stream: string, version: number) {
  return {
    id: s.id,
    itemId: s.itemId,
    departmentId: s.departmentId,
    role: 'lead',
    lightReasonCode: 'on_track',
    lightReasonEn: 'on track',
    lightReasonZh: '正常推进',
    signDueAt: new Date(s.startedAt + DAY),
    warnAt: new Date(s.dueAt - 2 * DAY),
    dueAt: new Date(s.dueAt),
    originalDueAt: new Date(s.dueAt),
    startedAt: new Date(s.startedAt),
    signedAt: new Date(s.startedAt + DAY / 4),
    workflowId: stream,
    version,
  };
}

async function insertAll(db: Database, itemRows: Row<typeof items>[], taskRows: Row<typeof tasks>[], eventRows: Row<typeof itemEvents>[]) {
  for (let i = 0; i < itemRows.length; i += 500) await db.insert(items).values(itemRows.slice(i, i + 500));
  for (let i = 0; i < taskRows.length; i += 500) await db.insert(tasks).values(taskRows.slice(i, i + 500));
  for (let i = 0; i < eventRows.length; i += 500) await db.insert(itemEvents).values(eventRows.slice(i, i + 500));
}
