/**
 * The simulated users of bench/load.ts: what each role does, in what proportions, and the pools of
 * live work the writes draw from so that every write is valid (a task is signed once, completed
 * once after its signing, an appeal dispatched once after its registration…). A write whose pool is
 * empty is replaced by the role's fallback read and counted as such, never sent to fail.
 *
 * Each role is one autocannon instance: a connection is one user (one session, one source address),
 * thinking between requests (bench/load.ts). The requests array holds the role's sequence (weights spread evenly, see
 * `sequenceOf`); each connection starts at its own offset, so users are not in step.
 */
import type { Request as AutocannonRequest } from 'autocannon';

export type Role = 'supervisor' | 'leader' | 'department' | 'operator' | 'citizen';
export const ROLES: Role[] = ['supervisor', 'department', 'leader', 'operator', 'citizen'];

/** Shares of the users by role (departments take the rest). */
export const ROLE_SHARES: Record<Exclude<Role, 'department'>, number> = { supervisor: 0.2, leader: 0.1, operator: 0.1, citizen: 0.25 };

export interface User {
  role: Role;
  token: string | null;
  departmentId: string | null;
}

export interface Planned {
  label: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** Told the answer (pool upkeep). */
  then?: (status: number, body: string) => void;
}

/** A task waiting for its next action, usable from `readyAt` (ms) on. */
interface Pending {
  taskId: string;
  kind: 'item' | 'appeal';
  readyAt: number;
}

export interface DeptWork {
  toSign: Pending[];
  toComplete: Pending[];
  toReply: Pending[];
  /** Signed tasks that are reported on and urged, never closed. */
  toReport: string[];
  preloadedItems: string[];
  liveItems: string[];
}

export interface Live {
  depts: Map<string, DeptWork>;
  liveDepartments: string[];
  preloadedItems: string[];
  liveItems: string[];
  urgeTargets: string[];
  toDispatch: string[];
  appeals: string[];
  queries: { code: string; phone: string }[];
  year: { from: string; to: string };
}

export function emptyDeptWork(): DeptWork {
  return { toSign: [], toComplete: [], toReply: [], toReport: [], preloadedItems: [], liveItems: [] };
}

let counter = 0;
const pick = <T>(list: T[]): T | undefined => (list.length === 0 ? undefined : list[(counter++ * 7919) % list.length]);
const nextReady = (list: Pending[]) => {
  const at = list.findIndex((p) => p.readyAt <= Date.now());
  return at < 0 ? undefined : list.splice(at, 1)[0];
};
const ok = (status: number) => status >= 200 && status < 300;
const now = () => new Date().toISOString();
const phoneOf = (n: number) => `139${String(10_000_000 + (n % 89_999_999)).padStart(8, '0')}`;
const topics = ['小区路灯损坏', '河道垃圾堆积', '噪音扰民', '占道经营', '供暖不热', '公交站牌缺失'];

type Step = (user: User, live: Live) => Planned | null;

const itemsList: Step = () => ({ label: 'GET /api/items (page)', method: 'GET', path: `/api/items?page=${1 + (counter++ % 5)}&pageSize=20` });
const itemsFiltered: Step = () => ({ label: 'GET /api/items (open, red)', method: 'GET', path: '/api/items?status=in_progress&light=red&pageSize=20' });
const itemsSearch: Step = () => ({ label: 'GET /api/items?q=', method: 'GET', path: `/api/items?q=${encodeURIComponent(['河道整治', '营商环境', '安全生产'][counter++ % 3]!)}&pageSize=20` });
const myWork: Step = () => ({ label: 'GET /api/me/work', method: 'GET', path: '/api/me/work' });
const inbox: Step = () => ({ label: 'GET /api/inbox', method: 'GET', path: '/api/inbox?pageSize=20' });
const itemPage: Step = (_, live) => ({ label: 'GET /api/items/:id (year)', method: 'GET', path: `/api/items/${pick(live.preloadedItems)}` });
const liveItemPage: Step = (_, live) => ({ label: 'GET /api/items/:id (live)', method: 'GET', path: `/api/items/${pick(live.liveItems)}` });
const standingBook: Step = (_, live) => ({ label: 'GET /api/dashboard (year)', method: 'GET', path: `/api/dashboard?from=${live.year.from}&to=${live.year.to}` });
const trend: Step = (_, live) => ({ label: 'GET /api/dashboard/trend', method: 'GET', path: `/api/dashboard/trend?from=${live.year.from}&to=${live.year.to}` });
const drillDown: Step = (_, live) => ({ label: 'GET /api/tasks (drill-down, red)', method: 'GET', path: `/api/tasks?metric=red&from=${live.year.from}&to=${live.year.to}&pageSize=20` });
const appealsList: Step = () => ({ label: 'GET /api/appeals', method: 'GET', path: '/api/appeals?pageSize=20' });
const appealPage: Step = (_, live) => (live.appeals.length === 0 ? null : { label: 'GET /api/appeals/:id', method: 'GET', path: `/api/appeals/${pick(live.appeals)}` });

const urge: Step = (_, live) => {
  const taskId = pick(live.urgeTargets);
  return taskId ? { label: 'POST /api/tasks/:id/urge', method: 'POST', path: `/api/tasks/${taskId}/urge`, body: { message: '请加快办理进度，按期反馈。' } } : null;
};

const own = (user: User, live: Live) => live.depts.get(user.departmentId!)!;
const ownItemPage: Step = (user, live) => ({ label: 'GET /api/items/:id (year, own)', method: 'GET', path: `/api/items/${pick(own(user, live).preloadedItems)}` });
const ownLiveItemPage: Step = (user, live) => {
  const id = pick(own(user, live).liveItems);
  return id ? { label: 'GET /api/items/:id (live, own)', method: 'GET', path: `/api/items/${id}` } : null;
};
const ownItems: Step = () => ({ label: 'GET /api/items (own, open)', method: 'GET', path: '/api/items?status=in_progress&pageSize=20' });

const progress: Step = (user, live) => {
  const taskId = pick(own(user, live).toReport);
  return taskId ? { label: 'POST /api/tasks/:id/progress', method: 'POST', path: `/api/tasks/${taskId}/progress`, body: { text: '已召开专题会议部署，正在推进。', percent: 40 + (counter++ % 50) } } : null;
};
const sign: Step = (user, live) => {
  const work = own(user, live);
  const next = nextReady(work.toSign);
  if (!next) return null;
  return {
    label: 'POST /api/tasks/:id/sign',
    method: 'POST',
    path: `/api/tasks/${next.taskId}/sign`,
    body: {},
    then: (status) => {
      if (ok(status)) (next.kind === 'appeal' ? work.toReply : work.toComplete).push({ ...next, readyAt: Date.now() });
    },
  };
};
const complete: Step = (user, live) => {
  const next = nextReady(own(user, live).toComplete);
  return next ? { label: 'POST /api/tasks/:id/complete', method: 'POST', path: `/api/tasks/${next.taskId}/complete`, body: { summary: '已按要求办结，详见附件材料。' } } : null;
};
const reply: Step = (user, live) => {
  const next = nextReady(own(user, live).toReply);
  return next
    ? { label: 'POST /api/tasks/:id/reply', method: 'POST', path: `/api/tasks/${next.taskId}/reply`, body: { text: '已现场核实并处理，感谢您的反映。', contactMethod: 'phone', contactedAt: now() } }
    : null;
};

/** Registers an appeal; the answer goes to the dispatch queue and the citizens' query codes. */
export function registerAppealRequest(live: Live): Planned {
  const n = counter++;
  const phone = phoneOf(n);
  const topic = topics[n % topics.length]!;
  return {
    label: 'POST /api/appeals (register)',
    method: 'POST',
    path: '/api/appeals',
    body: { text: `市民来电反映${topic}问题，希望尽快处理。（${n}）`, title: topic, citizenName: '张先生', phone, place: '幸福路12号', channel: 'hotline' },
    then: (status, body) => {
      if (!ok(status)) return;
      const answer = JSON.parse(body) as { id: string; queryCode: string };
      live.toDispatch.push(answer.id);
      live.appeals.push(answer.id);
      live.queries.push({ code: answer.queryCode, phone });
    },
  };
}

/** Dispatches an appeal to a live department; its lead task joins that department's signing queue. */
export function dispatchRequest(live: Live, appealId: string): Planned {
  const departmentId = live.liveDepartments[counter++ % live.liveDepartments.length]!;
  return {
    label: 'POST /api/appeals/:id/dispatch',
    method: 'POST',
    path: `/api/appeals/${appealId}/dispatch`,
    body: { departmentId },
    then: (status, body) => {
      if (!ok(status)) return;
      const answer = JSON.parse(body) as { leadTaskId: string | null };
      // Its task workflow is started by the item's; give it a few seconds before a department signs.
      if (answer.leadTaskId) live.depts.get(departmentId)!.toSign.push({ taskId: answer.leadTaskId, kind: 'appeal', readyAt: Date.now() + 5_000 });
    },
  };
}

const register: Step = (_, live) => registerAppealRequest(live);
const dispatch: Step = (_, live) => {
  const id = live.toDispatch.shift();
  return id ? dispatchRequest(live, id) : null;
};

const publicItems: Step = () => ({ label: 'GET /public/items', method: 'GET', path: `/public/items?page=${1 + (counter++ % 3)}&pageSize=20` });
const publicStats: Step = () => ({ label: 'GET /public/stats', method: 'GET', path: '/public/stats' });
const citizenQuery: Step = (_, live) => {
  const q = pick(live.queries);
  return q ? { label: 'GET /public/appeals/:code (citizen)', method: 'GET', path: `/public/appeals/${q.code}?phone=${q.phone}` } : null;
};

/** Per role: the steps with their weights (share of the role's requests), and the read that stands in for a write whose pool is empty. */
export const MIX: Record<Role, { steps: [Step, number][]; fallback: Step }> = {
  supervisor: {
    steps: [[itemsList, 3], [itemsFiltered, 2], [itemsSearch, 1], [itemPage, 4], [liveItemPage, 2], [standingBook, 2], [trend, 1], [drillDown, 1], [myWork, 2], [inbox, 1], [urge, 1]],
    fallback: itemsList,
  },
  leader: {
    steps: [[standingBook, 5], [trend, 2], [drillDown, 1], [itemsFiltered, 3], [itemsList, 2], [itemPage, 3], [liveItemPage, 2], [myWork, 1], [urge, 1]],
    fallback: standingBook,
  },
  department: {
    steps: [[myWork, 20], [ownItems, 12], [ownItemPage, 16], [ownLiveItemPage, 12], [inbox, 8], [progress, 6], [sign, 2], [complete, 2], [reply, 2]],
    fallback: myWork,
  },
  operator: {
    steps: [[appealsList, 8], [appealPage, 4], [myWork, 2], [itemsList, 2], [register, 2], [dispatch, 2]],
    fallback: appealsList,
  },
  citizen: {
    steps: [[publicItems, 4], [publicStats, 2], [citizenQuery, 2]],
    fallback: publicItems,
  },
};

/** The weights spread evenly over one cycle: [a×3, b×1] → a b a a (each step at its share, spaced out). */
export function sequenceOf<T>(steps: [T, number][]): T[] {
  const total = steps.reduce((n, [, w]) => n + w, 0);
  const slots = steps.flatMap(([step, weight]) => Array.from({ length: weight }, (_, i) => ({ step, at: (i + 0.5) / weight })));
  slots.sort((a, b) => a.at - b.at);
  if (slots.length !== total) throw new Error('weights must be whole numbers');
  return slots.map((s) => s.step);
}

/** What one answer was: its route label and status; read by the instance's 'response' listener. */
export const lastAnswer: { label: string; status: number } = { label: '', status: 0 };

export interface RoleRequests {
  requests: AutocannonRequest[];
  /** Requests planned per label (including fallbacks), and the writes replaced because their pool was empty. */
  replaced: Map<string, number>;
}

/**
 * The autocannon requests of one role. Each connection, at the start of each cycle (autocannon resets
 * its context there), takes the next user of the role and an offset of its own into the sequence.
 */
export function roleRequests(role: Role, users: User[], live: Live, onAnswer: (label: string, status: number, body: string) => void): RoleRequests {
  const { steps, fallback } = MIX[role];
  const sequence = sequenceOf(steps);
  const replaced = new Map<string, number>();
  let nextUser = 0;
  const stepNames = new Map(steps.map(([step]) => [step, step.name]));
  interface Context {
    user?: User;
    offset?: number;
    i?: number;
    planned?: Planned;
  }
  const request: AutocannonRequest = {
    setupRequest: (req, context: Context) => {
      if (!context.user) {
        context.user = users[nextUser++ % users.length]!;
        context.offset = Math.floor(Math.random() * sequence.length);
        context.i = 0;
      }
      const step = sequence[(context.offset! + context.i!++) % sequence.length]!;
      let planned = step(context.user, live);
      if (!planned) {
        const name = stepNames.get(step) ?? 'write';
        replaced.set(name, (replaced.get(name) ?? 0) + 1);
        planned = fallback(context.user, live)!;
      }
      context.planned = planned;
      const headers: Record<string, string> = {};
      if (context.user.token) headers.authorization = `Bearer ${context.user.token}`;
      if (planned.body !== undefined) headers['content-type'] = 'application/json';
      return { ...req, method: planned.method, path: planned.path, headers, body: planned.body === undefined ? undefined : JSON.stringify(planned.body) };
    },
    onResponse: (status: number, body: string, context: Context) => {
      const planned = context.planned!;
      lastAnswer.label = planned.label;
      lastAnswer.status = status;
      planned.then?.(status, body);
      onAnswer(planned.label, status, body);
    },
  } as AutocannonRequest;
  return { requests: Array.from({ length: sequence.length }, () => ({ ...request })), replaced };
}
