/**
 * Accountability (问责): a supervisor or leader records an action against a task that is red, was
 * red, or was completed overdue (domain/accountability.ts decides), revises it or withdraws it.
 * Stored in Postgres, not in the task's workflow: the workflow of an overdue task has usually closed.
 * Every write is in the audit log (plugins/audit-log.ts) and in the action's trail, which the item's
 * timeline, the dossier and the volume show in plain words.
 */
import { randomUUID } from 'node:crypto';
import { findAccountability, insertAccountability, listItemAccountability, updateAccountability, type ItemAccountability } from '../../../db/queries/accountability';
import { findItem, findTask, listItemTasks } from '../../../db/queries/items';
import type { AccountabilityRow, AccountabilityTrailEntry } from '../../../db/schema/accountability';
import { accountabilityRefusal, accountabilityWords, type AccountabilityKind } from '../../../domain/accountability';
import type { Light, Outcome, TaskStatus } from '../../../domain';
import { actorOf, canReadDepartment, type SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { AppError, fieldError, ruleRefusal } from '../../errors';
import { instantField } from '../shared/instant-field';

type Deps = Pick<ApiDeps, 'database'>;

export interface AccountabilityInput {
  kind: AccountabilityKind;
  personName: string;
  departmentId: string;
  reason: string;
  decision: string;
  decidedAt: string;
}

/** A decision is dated when it was taken: not in the future (a few minutes of clock skew allowed). */
const FUTURE_SLACK_MS = 5 * 60_000;

function decidedAtOf(value: string, now: Date): Date {
  const at = instantField(value, 'body.decidedAt');
  if (at > now.getTime() + FUTURE_SLACK_MS) throw ruleRefusal('body.decidedAt', 'the decision date cannot be in the future', '问责决定日期不能晚于当前时间');
  return new Date(at);
}

function trailEntry(user: SessionUser, type: AccountabilityTrailEntry['type'], at: Date, note: string | null): AccountabilityTrailEntry {
  return { type, at: at.toISOString(), actor: actorOf(user), note };
}

/** The accountable department must work on the item (the task's own, or one sharing the item). */
async function assertDepartmentOnItem(deps: Deps, itemId: string, departmentId: string): Promise<void> {
  const tasks = await listItemTasks(deps.database.db, itemId);
  if (!tasks.some((t) => t.departmentId === departmentId)) {
    throw ruleRefusal('body.departmentId', 'the accountable department must have a task on this item', '被问责单位须为承办该事项的单位');
  }
}

export async function recordAccountability(deps: Deps, user: SessionUser, taskId: string, input: AccountabilityInput, now = new Date()): Promise<{ id: string }> {
  const db = deps.database.db;
  const task = await findTask(db, taskId, now);
  if (!task || !canReadDepartment(user, task.departmentId)) throw new AppError('not_found', 'No such task.');
  const refusal = accountabilityRefusal({ status: task.status as TaskStatus, light: task.light as Light, redEver: task.redEver, outcome: task.outcome as Outcome });
  if (refusal) throw fieldError('wrong_state', 'params.id', refusal.en, refusal.zh, `Not accountable: ${refusal.en}.`);
  const decidedAt = decidedAtOf(input.decidedAt, now);
  await assertDepartmentOnItem(deps, task.itemId, input.departmentId);
  const row = await insertAccountability(db, {
    id: randomUUID(),
    itemId: task.itemId,
    taskId: task.id,
    kind: input.kind,
    personName: input.personName,
    departmentId: input.departmentId,
    reason: input.reason,
    decision: input.decision,
    decidedAt,
    recordedBy: user.id,
    createdAt: now,
    updatedAt: now,
    trail: [trailEntry(user, 'recorded', now, null)],
  });
  return { id: row.id };
}

async function findActive(deps: Deps, id: string): Promise<AccountabilityRow> {
  const row = await findAccountability(deps.database.db, id);
  if (!row) throw new AppError('not_found', 'No such accountability action.');
  if (row.status === 'withdrawn') throw new AppError('wrong_state', 'This accountability action was withdrawn; it can no longer change.', { messageZh: '该问责已撤销，不能再修改' });
  return row;
}

const lostRace = () => new AppError('conflict', 'The action changed meanwhile; read it again and retry.', { messageZh: '该问责已被他人修改，请刷新后重试' });

export async function reviseAccountability(deps: Deps, user: SessionUser, id: string, input: Partial<AccountabilityInput>, now = new Date()) {
  const row = await findActive(deps, id);
  const changes: Partial<AccountabilityRow> = {};
  if (input.kind !== undefined && input.kind !== row.kind) changes.kind = input.kind;
  if (input.personName !== undefined && input.personName !== row.personName) changes.personName = input.personName;
  if (input.reason !== undefined && input.reason !== row.reason) changes.reason = input.reason;
  if (input.decision !== undefined && input.decision !== row.decision) changes.decision = input.decision;
  if (input.departmentId !== undefined && input.departmentId !== row.departmentId) {
    await assertDepartmentOnItem(deps, row.itemId, input.departmentId);
    changes.departmentId = input.departmentId;
  }
  if (input.decidedAt !== undefined) {
    const decidedAt = decidedAtOf(input.decidedAt, now);
    if (decidedAt.getTime() !== row.decidedAt.getTime()) changes.decidedAt = decidedAt;
  }
  const changed = Object.keys(changes);
  if (changed.length === 0) throw new AppError('rule_violation', 'Nothing to change: every field named is as recorded.', { messageZh: '没有需要修改的内容' });
  const updated = await updateAccountability(deps.database.db, id, row.version, changes, trailEntry(user, 'revised', now, changed.join(', ')));
  if (!updated) throw lostRace();
  return { id };
}

export async function withdrawAccountability(deps: Deps, user: SessionUser, id: string, reason: string, now = new Date()) {
  const row = await findActive(deps, id);
  const updated = await updateAccountability(
    deps.database.db,
    id,
    row.version,
    { status: 'withdrawn', withdrawnAt: now, withdrawReason: reason },
    trailEntry(user, 'withdrawn', now, reason),
  );
  if (!updated) throw lostRace();
  return { id };
}

/** An action as the API shows it, its trail in plain words. */
export function accountabilityToWire({ action: a, departmentName }: ItemAccountability) {
  return {
    id: a.id,
    itemId: a.itemId,
    taskId: a.taskId,
    kind: a.kind,
    personName: a.personName,
    departmentId: a.departmentId,
    departmentName,
    reason: a.reason,
    decision: a.decision,
    decidedAt: a.decidedAt.toISOString(),
    status: a.status,
    withdrawnAt: a.withdrawnAt?.toISOString() ?? null,
    withdrawReason: a.withdrawReason,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    trail: a.trail.map((e) => ({ ...e, text: accountabilityWords(e.type, { kind: a.kind, personName: a.personName, departmentName }, e.note) })),
  };
}

/**
 * Of an item's actions, those its reader may see: every one for the roles that read everything;
 * department staff only the actions against their own department or on their own task.
 */
export function accountabilityVisibleTo(user: SessionUser, tasks: readonly { id: string; departmentId: string }[], actions: readonly ItemAccountability[]): ItemAccountability[] {
  if (user.role !== 'department') return [...actions];
  const own = new Set(tasks.filter((t) => canReadDepartment(user, t.departmentId)).map((t) => t.id));
  return actions.filter((a) => own.has(a.action.taskId) || a.action.departmentId === user.departmentId);
}

/** The item's actions for its reader; an item the reader may not see answers 404 (department isolation as for the item). */
export async function visibleItemAccountability(deps: Deps, user: SessionUser, itemId: string): Promise<ItemAccountability[]> {
  const db = deps.database.db;
  const [item, tasks, actions] = await Promise.all([findItem(db, itemId), listItemTasks(db, itemId), listItemAccountability(db, itemId)]);
  if (!item || (user.role === 'department' && !tasks.some((t) => canReadDepartment(user, t.departmentId)))) throw new AppError('not_found', 'No such item.');
  return accountabilityVisibleTo(user, tasks, actions);
}

export async function listAccountabilityFor(deps: Deps, user: SessionUser, itemId: string) {
  return { items: (await visibleItemAccountability(deps, user, itemId)).map(accountabilityToWire) };
}

/** The actions' trails as timeline entries of the item page (plain words in `reason`). */
export function accountabilityTimeline(actions: readonly ItemAccountability[]) {
  return actions.flatMap((entry) =>
    accountabilityToWire(entry).trail.map((e, i) => ({
      id: `accountability:${entry.action.id}:${i + 1}`,
      taskId: entry.action.taskId,
      type: `accountability_${e.type}`,
      at: e.at,
      actor: e.actor,
      reason: { code: `accountability_${e.type}`, en: e.text.en, zh: e.text.zh },
      data: { accountabilityId: entry.action.id, kind: entry.action.kind } as unknown,
    })),
  );
}
