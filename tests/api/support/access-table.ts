/**
 * Who may call each route: the one table the role walk (tests/api/role-walk.test.ts) checks every
 * registered route against. A route missing here fails the walk — add it when you add the route.
 *
 * Key: `METHOD /route/:pattern` exactly as registered; a key ending in `*` matches by prefix, and
 * the method `*` matches any method.
 */
import { METRICS } from '../../../db/queries/dashboard';
import type { Role } from '../../../db/schema/org';

/** `service`: signed by a service account (X-Api-Key, X-Signature); every session and anonymous caller gets 401. */
export type Who = 'public' | 'user' | 'service' | readonly Role[];

export interface Expectation {
  who: Who;
  /** Roles refused with 404 instead of 403, where even existence must not leak. */
  notFoundFor?: readonly Role[];
  /** The call ends the caller's session (logout): walk it with a session of its own. */
  endsSession?: boolean;
  /** The answer is a stream that stays open (server-sent events): read its status, then hang up. */
  stream?: boolean;
}

/**
 * Routes on one item or task (`/api/items/:id…`, `/api/tasks/:id…`) are also walked with a real item
 * whose only task belongs to department A: staff of department B must get 404 from every one of
 * them that department staff may call at all, exactly as if the item did not exist.
 */
/** Well-formed bodies for the isolation walk, so department B's staff get past validation to the lookup. */
export const WELL_FORMED_BODIES: Record<string, unknown> = {
  'POST /api/tasks/:id/progress': { text: '进展', percent: 10 },
  'POST /api/tasks/:id/extension': { reason: '需要更多时间', newDueAt: new Date(Date.now() + 30 * 86_400_000).toISOString() },
  'POST /api/tasks/:id/transfer': { reason: '不属于本单位职责' },
  'POST /api/tasks/:id/complete': { summary: '已办结', fields: { result: '已完成' } },
  'POST /api/items/:id/cancel': { reason: '不再需要' },
  'POST /api/tasks/:id/review': { decision: 'accept', comment: 'ok' },
  'POST /api/tasks/:id/extension-decision': { approve: true },
  'POST /api/tasks/:id/transfer-decision': { approve: false },
  'POST /api/tasks/:id/urge': { message: '请尽快办理' },
  'POST /api/tasks/:id/assignee': { userId: '00000000-0000-4000-8000-000000000000' },
  'POST /api/tasks/:id/reply': { text: '已答复', contactMethod: 'phone', contactedAt: new Date().toISOString() },
  'POST /api/tasks/:id/return': { reason: '不属于本单位职责' },
};

/**
 * Marks department A writes into its task of an item it shares with department B (progress,
 * completion summary, a form field): B's staff must never read any of them, on any route.
 */
export const A_MARKS = { progress: 'A进展-不可外泄-3f9b', summary: 'A办结报告-不可外泄-c27e', field: 'A表单字段-不可外泄-8d41' } as const;

/**
 * Item-list filters naming department A, as department B's staff may send them: none may list an
 * item of A's, even one B shares (its figures are A's outcome and light history).
 */
export function foreignDepartmentFilters(departmentA: string): string[] {
  return [`departmentIds=${departmentA}`, ...METRICS.map((metric) => `metric=${metric}&departmentIds=${departmentA}`), `dateField=due&departmentIds=${departmentA}`];
}

/** Whether department staff may call a route at all (then another department's record answers 404). */
export function departmentMayCall(expectation: Expectation): boolean {
  return expectation.who === 'user' || (Array.isArray(expectation.who) && expectation.who.includes('department'));
}

export function isolatedByDepartment(url: string): boolean {
  return /^\/api\/(items|tasks)\/:id(\/|$)/.test(url);
}

const everyone: Expectation = { who: 'user' };
const admin: Expectation = { who: ['admin'] };
const publicly: Expectation = { who: 'public' };
const historyReaders: Expectation = { who: ['auditor', 'supervisor', 'leader'] };
const auditorOnly: Expectation = { who: ['auditor'] };
const departmentStaff: Expectation = { who: ['department'] };
const supervisorOnly: Expectation = { who: ['supervisor'] };

export const ACCESS: Record<string, Expectation> = {
  // platform
  'GET /api/health': publicly,
  'GET /api/admin/projection-failures': admin,
  'POST /api/admin/projection-failures/:itemId/repair': admin,
  'GET /api/ping-db': everyone,
  // accounts
  'POST /api/auth/login': publicly,
  'POST /api/auth/logout': { who: 'user', endsSession: true },
  'GET /api/me': everyone,
  'GET /api/me/work': everyone,
  'GET /api/events': { who: 'user', stream: true },
  'POST /api/me/password': everyone,
  // organisation
  'GET /api/departments': everyone,
  'POST /api/departments': admin,
  'PATCH /api/departments/:id': admin,
  'GET /api/users': admin,
  'GET /api/leaders': everyone,
  'POST /api/users': admin,
  'PATCH /api/users/:id': admin,
  'GET /api/calendar/:year': everyone,
  'PUT /api/calendar/:year': admin,
  'POST /api/calendar/:year/impact': admin,
  'GET /api/calendar/due-date': everyone,
  'GET /api/templates': everyone,
  'GET /api/templates/:kind': everyone,
  'PUT /api/templates/:kind': admin,
  'GET /api/sms-settings': admin,
  'PUT /api/sms-settings': admin,
  'POST /api/sms-settings/test': admin,
  'GET /api/audit-log': { who: ['auditor', 'admin'] },
  'GET /api/audit-log/verify': { who: ['auditor', 'admin'] },
  // items and tasks (department staff see only their own: others' answer 404)
  'POST /api/items': { who: ['supervisor', 'leader'] },
  'GET /api/items': everyone,
  'GET /api/items/:id': everyone,
  'POST /api/items/:id/cancel': supervisorOnly,
  'POST /api/items/:id/assist': supervisorOnly,
  'POST /api/items/:id/deadline': supervisorOnly,
  'POST /api/items/:id/instructions': { who: ['leader', 'supervisor'] },
  'POST /api/items/:id/public': supervisorOnly,
  'POST /api/items/:id/merge': { who: ['supervisor', 'operator'] },
  'POST /api/items/:id/unmerge': { who: ['supervisor', 'operator'] },
  'POST /api/tasks/:id/assignee': { who: ['department', 'supervisor'] },
  'POST /api/tasks/:id/sign': departmentStaff,
  'POST /api/tasks/:id/progress': departmentStaff,
  'POST /api/tasks/:id/extension': departmentStaff,
  'POST /api/tasks/:id/transfer': departmentStaff,
  'POST /api/tasks/:id/complete': departmentStaff,
  'POST /api/tasks/:id/review': supervisorOnly,
  'POST /api/tasks/:id/extension-decision': supervisorOnly,
  'POST /api/tasks/:id/transfer-decision': supervisorOnly,
  'POST /api/tasks/:id/urge': { who: ['supervisor', 'leader'] },
  'GET /api/tasks/:id/read-receipts': { who: ['supervisor', 'leader', 'auditor', 'admin'] },
  // accountability (问责): recorded by supervisors and leaders, read like the item
  'POST /api/tasks/:id/accountability': { who: ['supervisor', 'leader'] },
  'GET /api/items/:id/accountability': everyone,
  'PATCH /api/accountability/:id': { who: ['supervisor', 'leader'] },
  'POST /api/accountability/:id/withdraw': { who: ['supervisor', 'leader'] },
  // attachments: anyone signed in uploads; a download is read like its task or item
  'POST /api/attachments': everyone,
  'GET /api/attachments/:id': everyone,
  'GET /api/items/:id/attachments': everyone,
  // the hotline loop (appeals)
  'POST /api/appeals': { who: ['operator', 'supervisor'] },
  'GET /api/appeals': { who: ['operator', 'supervisor', 'leader', 'auditor'] },
  'GET /api/appeals/:id': everyone,
  'POST /api/appeals/:id/dispatch': { who: ['operator', 'supervisor'] },
  'POST /api/appeals/:id/return-visit': { who: ['operator'] },
  'POST /api/tasks/:id/reply': departmentStaff,
  'POST /api/tasks/:id/return': departmentStaff,
  // dashboards, history, audit reads, exports
  'GET /api/dashboard': historyReaders,
  'GET /api/dashboard/ranking': historyReaders,
  'GET /api/dashboard/trend': historyReaders,
  'GET /api/tasks': historyReaders,
  'GET /api/assessment': historyReaders,
  'GET /api/assessment/deductions': historyReaders,
  'GET /api/assessment/weights': { who: ['leader', 'supervisor', 'auditor', 'admin'] },
  'PUT /api/assessment/weights': admin,
  'GET /api/reports/dashboard.xlsx': historyReaders,
  'GET /api/items/:id/history': historyReaders,
  'GET /api/items/:id/replay': auditorOnly,
  'GET /api/items/:id/dossier.pdf': historyReaders,
  'GET /api/items/:id/history/raw': auditorOnly,
  'GET /api/items/:id/verify': auditorOnly,
  'POST /api/exports': historyReaders,
  'GET /api/exports/:id': everyone,
  'GET /api/exports/:id/file': everyone,
  // notifications
  'GET /api/inbox': everyone,
  'POST /api/inbox/:id/read': everyone,
  'GET /api/me/notification-preferences': everyone,
  'PUT /api/me/notification-preferences': everyone,
  'GET /api/departments/:id/notification-channels': admin,
  'PUT /api/departments/:id/notification-channels': admin,
  'POST /api/departments/:id/webhooks': admin,
  'PATCH /api/departments/:id/webhooks/:webhookId': admin,
  'DELETE /api/departments/:id/webhooks/:webhookId': admin,
  'GET /api/notification-deliveries': { who: ['admin', 'supervisor'] },
  // early warnings (预警核查)
  'POST /api/intake/signals': { who: 'service' },
  'POST /api/intake/appeals': { who: 'service' },
  'GET /api/items/:id/signal': everyone,
  'GET /api/intake/sources': admin,
  'PUT /api/intake/sources/:source': admin,
  'GET /api/intake/rules': admin,
  'PUT /api/intake/rules': admin,
  'DELETE /api/intake/rules/:id': admin,
  'GET /api/service-accounts': admin,
  'POST /api/service-accounts': admin,
  'DELETE /api/service-accounts/:id': admin,
  // supervision matters (监管事项清单): admins write, the supervision office reads
  'GET /api/matters': { who: ['admin', 'supervisor', 'leader', 'operator'] },
  'GET /api/matters/:id': { who: ['admin', 'supervisor', 'leader', 'operator'] },
  'POST /api/matters': admin,
  'PATCH /api/matters/:id': admin,
  'DELETE /api/matters/:id': admin,
  'POST /api/matters/import': admin,
  'GET /api/dashboard/matters': historyReaders,
  // AI assist (`operator` joins the dispatchers once that role exists)
  'POST /api/ai/suggestions': { who: ['supervisor', 'leader', 'operator'] },
  'POST /api/ai/suggestions/:id/choice': { who: ['supervisor', 'leader', 'operator'] },
  'GET /api/ai/accuracy': { who: ['supervisor', 'leader', 'admin'] },
  'GET /api/ai/hotspots': { who: ['leader', 'supervisor'] },
  'POST /api/ai/hotspots/pins': { who: ['leader'] },
  'DELETE /api/ai/hotspots/pins/:id': { who: ['leader'] },
  'GET /api/tasks/:id/risk': { who: ['admin', 'supervisor', 'leader', 'auditor', 'department'] },
  'GET /api/ai/risk': { who: ['admin', 'leader'] },
  'POST /api/ai/risk': admin,
  'POST /api/ai/history': admin,
  'GET /api/ai/models': admin,
  'POST /api/ai/models': admin,
  'GET /api/ai/models/:version': admin,
  'GET /api/ai/auto-dispatch': admin,
  'PUT /api/ai/auto-dispatch/:kind': admin,
  // outside /api
  'GET /public/items': publicly,
  'GET /public/stats': publicly,
  'GET /public/appeals/challenge': publicly,
  'POST /public/appeals': publicly,
  'GET /public/appeals/:queryCode': publicly,
  '* /admin/queues*': admin,
  'GET /docs*': publicly,
  'GET /*': publicly, // the UI's client-side routes
  'GET /': publicly,
};

export function expectationFor(method: string, url: string): Expectation | undefined {
  const exact = ACCESS[`${method} ${url}`];
  if (exact) return exact;
  let best: { length: number; expectation: Expectation } | undefined;
  for (const [key, expectation] of Object.entries(ACCESS)) {
    if (!key.endsWith('*') || key === 'GET /*') continue;
    const [keyMethod, keyPath] = key.split(' ') as [string, string];
    const prefix = keyPath.slice(0, -1);
    if ((keyMethod === '*' || keyMethod === method) && url.startsWith(prefix) && (!best || prefix.length > best.length)) {
      best = { length: prefix.length, expectation };
    }
  }
  if (best) return best.expectation;
  // Static files of the UI (@fastify/static registers one route per file, or a wildcard).
  if (method === 'GET' && !url.startsWith('/api/') && !url.startsWith('/admin/')) return ACCESS['GET /*'];
  return undefined;
}
