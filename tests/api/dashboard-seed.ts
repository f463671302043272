/**
 * Seeds the items read model directly (items, tasks, item_events) with known stories, and computes
 * what the standing book must show from those stories in plain TypeScript — never via SQL — so a
 * dashboard test compares Postgres's figures with an independent count.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/client';
import { itemEvents, items, tasks } from '../../db/schema/items';
import { ITEM_KINDS, type ItemKind } from '../../domain/types';

export const DAY_MS = 86_400_000;
export const METRIC_KEYS = ['total', 'completed', 'onTime', 'overdue', 'postponed', 'inProgress', 'yellow', 'red', 'redEver'] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];
export type Counts = Record<MetricKey, number>;

export interface SeedTask {
  id: string;
  itemId: string;
  departmentId: string;
  kind: ItemKind;
  launchedAt: number;
  originalDueAt: number;
  dueAt: number;
  /** Light changes in order: [at, to]. */
  lights: [number, 'green' | 'yellow' | 'red'][];
  extensionApprovedAt: number | null;
  acceptedAt: number | null;
  outcome: 'on_time' | 'overdue' | 'postponed' | null;
  /** Set for transferred/cancelled tasks: when they closed. */
  closed: { status: 'transferred' | 'cancelled'; at: number } | null;
  urges: number[];
  returns: number[];
}

export interface SeedItem {
  id: string;
  kind: ItemKind;
  launchedAt: number;
  tasks: SeedTask[];
}

/** Small deterministic generator (mulberry32), so a failing seed can be reproduced. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random task stories over `days` days from `base`, spread over the given departments. */
export function makeStories(departmentIds: string[], count: number, base: number, days: number, seed = 7): SeedItem[] {
  const random = rng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const list: SeedItem[] = [];
  for (let n = 0; n < count; n++) {
    const itemId = randomUUID();
    const kind = pick(ITEM_KINDS);
    const launchedAt = base + Math.floor(random() * days * DAY_MS);
    const depts = random() < 0.5 ? [pick(departmentIds)] : [...new Set([pick(departmentIds), pick(departmentIds)])];
    const taskList = depts.map((departmentId): SeedTask => {
      const originalDueAt = launchedAt + (5 + Math.floor(random() * 20)) * DAY_MS;
      const lights: SeedTask['lights'] = [];
      let extensionApprovedAt: number | null = null;
      let dueAt = originalDueAt;
      if (random() < 0.6) lights.push([originalDueAt - 2 * DAY_MS, 'yellow']);
      if (lights.length && random() < 0.5) lights.push([originalDueAt, 'red']);
      if (random() < 0.2) {
        extensionApprovedAt = originalDueAt - DAY_MS;
        dueAt = originalDueAt + 10 * DAY_MS;
        // The extension turns the light green again before the original due date.
        lights.splice(0, lights.length, ...lights.filter(([at]) => at < extensionApprovedAt!));
        if (lights.length) lights.push([extensionApprovedAt, 'green']);
      }
      const closedRoll = random();
      const closed = closedRoll < 0.08 ? { status: 'transferred' as const, at: launchedAt + DAY_MS } : closedRoll < 0.12 ? { status: 'cancelled' as const, at: launchedAt + 2 * DAY_MS } : null;
      const acceptedAt = !closed && random() < 0.55 ? dueAt + Math.floor((random() - 0.6) * 6 * DAY_MS) : null;
      const outcome = acceptedAt === null ? null : extensionApprovedAt !== null ? 'postponed' : acceptedAt > originalDueAt ? 'overdue' : 'on_time';
      const acceptedAtFinal = acceptedAt === null ? null : Math.max(acceptedAt, launchedAt + DAY_MS);
      // No light change after acceptance: the light freezes.
      const frozen = acceptedAtFinal === null ? lights : lights.filter(([at]) => at < acceptedAtFinal);
      const urges = random() < 0.3 ? [launchedAt + 3 * DAY_MS] : [];
      const returns = random() < 0.2 ? [launchedAt + 4 * DAY_MS] : [];
      return {
        id: randomUUID(),
        itemId,
        departmentId,
        kind,
        launchedAt,
        originalDueAt,
        dueAt,
        lights: closed ? frozen.filter(([at]) => at < closed.at) : frozen,
        extensionApprovedAt: closed && extensionApprovedAt !== null && extensionApprovedAt >= closed.at ? null : extensionApprovedAt,
        acceptedAt: acceptedAtFinal,
        outcome,
        closed,
        urges,
        returns,
      };
    });
    list.push({ id: itemId, kind, launchedAt, tasks: taskList });
  }
  return list;
}

export async function seedStories(db: Database, stories: SeedItem[], issuedBy: string): Promise<void> {
  const itemRows: (typeof items.$inferInsert)[] = [];
  const taskRows: (typeof tasks.$inferInsert)[] = [];
  const eventRows: (typeof itemEvents.$inferInsert)[] = [];
  const actor = { actorUserId: 'system', actorName: '系统', actorRole: 'system' };
  for (const item of stories) {
    const allAccepted = item.tasks.every((t) => t.acceptedAt !== null || t.closed);
    itemRows.push({
      id: item.id,
      code: `DB-T-${item.id.slice(0, 13)}`,
      kind: item.kind,
      title: `台账测试事项 ${item.id.slice(0, 6)}`,
      status: allAccepted ? 'completed' : 'in_progress',
      light: 'green',
      issuedBy,
      dueAt: new Date(Math.max(...item.tasks.map((t) => t.dueAt))),
      createdAt: new Date(item.launchedAt),
      launchedAt: new Date(item.launchedAt),
      departmentIds: [...new Set(item.tasks.map((t) => t.departmentId))],
      workflowId: `item-${item.id}`,
      version: 1,
    });
    for (const t of item.tasks) {
      const last = t.lights.at(-1)?.[1] ?? 'green';
      const status = t.closed ? t.closed.status : t.acceptedAt !== null ? 'accepted' : 'in_progress';
      const stream = `task-${t.id}`;
      let seq = 0;
      const event = (type: string, at: number, payload: Record<string, unknown>) =>
        eventRows.push({ id: `${stream}#${++seq}`, itemId: item.id, taskId: t.id, stream, seq, version: seq, type, ...actor, payload, at: new Date(at) });
      event('assigned', t.launchedAt, {});
      const timeline: [number, () => void][] = [
        ...t.lights.map(([at, to], i): [number, () => void] => [at, () => event('light_changed', at, { from: i === 0 ? 'green' : t.lights[i - 1]![1], to })]),
        ...t.urges.map((at): [number, () => void] => [at, () => event('urge', at, { message: '请加快办理' })]),
        ...t.returns.map((at): [number, () => void] => [at, () => event('review', at, { decision: 'return', comment: '请补充材料' })]),
      ];
      if (t.extensionApprovedAt !== null) timeline.push([t.extensionApprovedAt, () => event('extension_decision', t.extensionApprovedAt!, { approve: true })]);
      if (t.acceptedAt !== null) timeline.push([t.acceptedAt, () => event('review', t.acceptedAt!, { decision: 'accept', comment: '同意' })]);
      for (const [, emit] of timeline.sort((a, b) => a[0] - b[0])) emit();
      taskRows.push({
        id: t.id,
        itemId: item.id,
        departmentId: t.departmentId,
        role: 'lead',
        status,
        light: last,
        lightReasonCode: 'on_track',
        lightReasonEn: 'on track',
        lightReasonZh: '正常推进',
        signDueAt: new Date(t.launchedAt + DAY_MS),
        warnAt: new Date(t.dueAt - 2 * DAY_MS),
        dueAt: new Date(t.dueAt),
        originalDueAt: new Date(t.originalDueAt),
        outcome: t.outcome,
        redEver: t.lights.some(([, to]) => to === 'red'),
        postponed: t.extensionApprovedAt !== null,
        urgeCount: t.urges.length,
        returnCount: t.returns.length,
        startedAt: new Date(t.launchedAt),
        acceptedAt: t.acceptedAt === null ? null : new Date(t.acceptedAt),
        closedAt: t.closed ? new Date(t.closed.at) : t.acceptedAt === null ? null : new Date(t.acceptedAt),
        workflowId: stream,
        version: seq,
      });
    }
  }
  for (let i = 0; i < itemRows.length; i += 500) await db.insert(items).values(itemRows.slice(i, i + 500));
  for (let i = 0; i < taskRows.length; i += 500) await db.insert(tasks).values(taskRows.slice(i, i + 500));
  for (let i = 0; i < eventRows.length; i += 500) await db.insert(itemEvents).values(eventRows.slice(i, i + 500));
}

/** A task as the standing book sees it at `at` (Infinity: now), or null when it does not count then. */
export function factAt(t: SeedTask, at: number) {
  if (t.launchedAt > at) return null;
  if (t.closed && t.closed.at <= at) return null;
  const completed = t.acceptedAt !== null && t.acceptedAt <= at;
  const lights = t.lights.filter(([when]) => when <= at);
  const postponed = t.extensionApprovedAt !== null && t.extensionApprovedAt <= at;
  return {
    completed,
    outcome: completed ? t.outcome : null,
    light: lights.at(-1)?.[1] ?? 'green',
    redEver: lights.some(([, to]) => to === 'red'),
    dueAt: postponed ? t.dueAt : t.originalDueAt,
    completedAt: completed ? t.acceptedAt : null,
  };
}

export type Fact = NonNullable<ReturnType<typeof factAt>>;

export function metricsOf(fact: Fact): Record<MetricKey, boolean> {
  return {
    total: true,
    completed: fact.completed,
    onTime: fact.completed && fact.outcome === 'on_time',
    overdue: fact.completed && fact.outcome === 'overdue',
    postponed: fact.completed && fact.outcome === 'postponed',
    inProgress: !fact.completed,
    yellow: !fact.completed && fact.light === 'yellow',
    red: !fact.completed && fact.light === 'red',
    redEver: fact.redEver,
  };
}

export function emptyCounts(): Counts {
  return Object.fromEntries(METRIC_KEYS.map((m) => [m, 0])) as Counts;
}

export interface ExpectFilter {
  at?: number;
  dateField?: 'launched' | 'due' | 'completed';
  from?: number;
  to?: number;
  kind?: ItemKind;
}

/** Expected figures: per department, per kind (per department and total), and overall. */
export function expectedFigures(stories: SeedItem[], filter: ExpectFilter = {}) {
  const at = filter.at ?? Infinity;
  const field = filter.dateField ?? 'launched';
  const perDept = new Map<string, Counts>();
  const perKind = new Map<string, { total: Counts; departments: Map<string, Counts> }>();
  const total = emptyCounts();
  const add = (counts: Counts, m: Record<MetricKey, boolean>) => {
    for (const key of METRIC_KEYS) if (m[key]) counts[key] += 1;
  };
  for (const item of stories) {
    if (filter.kind && item.kind !== filter.kind) continue;
    for (const t of item.tasks) {
      const fact = factAt(t, at);
      if (!fact) continue;
      const date = field === 'launched' ? t.launchedAt : field === 'due' ? fact.dueAt : fact.completedAt;
      if (filter.from !== undefined && (date === null || date < filter.from)) continue;
      if (filter.to !== undefined && (date === null || date >= filter.to)) continue;
      const m = metricsOf(fact);
      add(total, m);
      if (!perDept.has(t.departmentId)) perDept.set(t.departmentId, emptyCounts());
      add(perDept.get(t.departmentId)!, m);
      if (!perKind.has(t.kind)) perKind.set(t.kind, { total: emptyCounts(), departments: new Map() });
      const k = perKind.get(t.kind)!;
      add(k.total, m);
      if (!k.departments.has(t.departmentId)) k.departments.set(t.departmentId, emptyCounts());
      add(k.departments.get(t.departmentId)!, m);
    }
  }
  return { total, perDept, perKind };
}

/** The tasks counted under a filter (as expectedFigures selects them), each with its fact. */
export function factsIn(stories: SeedItem[], filter: ExpectFilter = {}): { task: SeedTask; fact: Fact }[] {
  const at = filter.at ?? Infinity;
  const field = filter.dateField ?? 'launched';
  const list: { task: SeedTask; fact: Fact }[] = [];
  for (const item of stories) {
    if (filter.kind && item.kind !== filter.kind) continue;
    for (const task of item.tasks) {
      const fact = factAt(task, at);
      if (!fact) continue;
      const date = field === 'launched' ? task.launchedAt : field === 'due' ? fact.dueAt : fact.completedAt;
      if (filter.from !== undefined && (date === null || date < filter.from)) continue;
      if (filter.to !== undefined && (date === null || date >= filter.to)) continue;
      list.push({ task, fact });
    }
  }
  return list;
}
