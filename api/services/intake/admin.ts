// The admin's side of the early-warning intake: sources (and where results go back), rules (which
// department verifies which source's signals of a risk level) and service accounts (who may post).
import { existingDepartmentIds } from '../../../db/queries/items';
import {
  deleteIntakeRule,
  deleteServiceAccount,
  findIntakeSource,
  insertServiceAccount,
  listIntakeRules,
  listIntakeSources,
  listServiceAccounts,
  saveIntakeRule,
  saveIntakeSource,
  type IntakeRuleRow,
  type IntakeSourceRow,
} from '../../../db/queries/intake';
import { findUserById } from '../../../db/queries/users';
import type { SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { AppError, ruleRefusal } from '../../errors';
import type { RuleBody, ServiceAccountBody, SourceBody } from '../../schemas/intake';
import type { PageQuery } from '../../schemas/pagination';
import { matterNamed } from '../matters/catalogue';
import { checkWebhookUrl } from '../notifications/notifications';
import { hashApiKey, newServiceCredentials } from './signed-requests';

type Deps = Pick<ApiDeps, 'config' | 'database'>;

/** These lists are short (a few systems, three risk levels each): paged in memory. */
function page<T>(rows: T[], query: PageQuery) {
  const start = (query.page - 1) * query.pageSize;
  return { items: rows.slice(start, start + query.pageSize), total: rows.length, page: query.page, pageSize: query.pageSize };
}

const sourceToWire = (row: IntakeSourceRow) => ({
  source: row.source,
  name: row.name,
  resultUrl: row.resultUrl,
  hasResultSecret: row.resultSecret !== null,
  enabled: row.enabled,
  updatedAt: row.updatedAt.toISOString(),
});

const ruleToWire = (row: IntakeRuleRow) => ({
  id: row.id,
  source: row.source,
  riskLevel: row.riskLevel,
  departmentId: row.departmentId,
  issuedBy: row.issuedBy,
  dueInWorkingDays: row.dueInWorkingDays,
  dueWithin: row.dueWithin,
  matterId: row.matterId,
  updatedAt: row.updatedAt.toISOString(),
});

export async function listSources(deps: Deps, query: PageQuery) {
  return page((await listIntakeSources(deps.database.db)).map(sourceToWire), query);
}

export async function putSource(deps: Deps, user: SessionUser, source: string, body: SourceBody) {
  checkWebhookUrl(deps, body.resultUrl, 'body.resultUrl');
  const saved = await saveIntakeSource(deps.database.db, { source, ...body, updatedBy: user.id });
  return sourceToWire(saved);
}

async function sourceOrRefuse(deps: Deps, source: string) {
  if (!(await findIntakeSource(deps.database.db, source))) throw ruleRefusal('body.source', 'no such intake source', '没有这个预警来源');
}

export async function listRules(deps: Deps, query: PageQuery) {
  return page((await listIntakeRules(deps.database.db)).map(ruleToWire), query);
}

export async function putRule(deps: Deps, user: SessionUser, body: RuleBody) {
  const db = deps.database.db;
  if (body.dueInWorkingDays != null && body.dueWithin != null) {
    throw ruleRefusal('body.dueWithin', 'give either dueInWorkingDays or dueWithin, not both', '工作日数和时长只能填一项');
  }
  await sourceOrRefuse(deps, body.source);
  const [departments, issuer] = await Promise.all([existingDepartmentIds(db, [body.departmentId]), findUserById(db, body.issuedBy)]);
  if (!departments.has(body.departmentId)) throw ruleRefusal('body.departmentId', 'no such department', '没有这个单位');
  if (!issuer || issuer.disabled || issuer.role !== 'leader') throw ruleRefusal('body.issuedBy', 'the issuing user must be an active leader', '签发人须是在用的领导账号');
  if (body.matterId) await matterNamed(deps, body.matterId, 'body.matterId');
  const saved = await saveIntakeRule(db, {
    source: body.source,
    riskLevel: body.riskLevel,
    departmentId: body.departmentId,
    issuedBy: body.issuedBy,
    dueInWorkingDays: body.dueInWorkingDays ?? null,
    dueWithin: body.dueWithin ?? null,
    matterId: body.matterId ?? null,
    updatedBy: user.id,
  });
  return ruleToWire(saved);
}

export async function removeRule(deps: Deps, id: string): Promise<void> {
  if (!(await deleteIntakeRule(deps.database.db, id))) throw new AppError('not_found', 'No such intake rule.');
}

export async function listAccounts(deps: Deps, query: PageQuery) {
  const rows = await listServiceAccounts(deps.database.db);
  return page(
    rows.map((r) => ({ id: r.id, name: r.name, source: r.source, keyPrefix: r.keyPrefix, createdAt: r.createdAt.toISOString(), lastUsedAt: r.lastUsedAt?.toISOString() ?? null })),
    query,
  );
}

/** A new account; its key and secret are in this answer only (the key is kept as a hash). */
export async function createAccount(deps: Deps, user: SessionUser, body: ServiceAccountBody) {
  await sourceOrRefuse(deps, body.source);
  const { apiKey, secret } = newServiceCredentials();
  const row = await insertServiceAccount(deps.database.db, { name: body.name, source: body.source, keyHash: hashApiKey(apiKey), keyPrefix: apiKey.slice(0, 8), secret, createdBy: user.id });
  return { id: row.id, name: row.name, source: row.source, keyPrefix: row.keyPrefix, createdAt: row.createdAt.toISOString(), lastUsedAt: null, apiKey, secret };
}

export async function removeAccount(deps: Deps, id: string): Promise<void> {
  if (!(await deleteServiceAccount(deps.database.db, id))) throw new AppError('not_found', 'No such service account.');
}
