/**
 * The supervisor's and leaders' actions on a running item (assisting department, the whole item's
 * deadline, instructions 批示, disclosure) and naming a task's person (承办人): each one Temporal
 * Update, whose validator (domain validateItemAction / validateTaskAction) decides wrong state /
 * forbidden / rule violation. Here: what only the API can check (the department and the person exist),
 * ids the workflow cannot make, and the Update id from the Idempotency-Key.
 */
import { randomUUID } from 'node:crypto';
import type { UpdateDefinition } from '@temporalio/common';
import { existingDepartmentIds, findItem } from '../../../db/queries/items';
import { findUserById } from '../../../db/queries/users';
import type { Actor, TaskWire } from '../../../domain';
import {
  addAssistUpdate,
  assignUpdate,
  changeDeadlineUpdate,
  instructUpdate,
  setPublicUpdate,
  type ItemWire,
} from '../../../workflows/definitions';
import { actorOf } from '../../authz';
import type { ApiDeps } from '../../deps';
import { AppError, fieldError } from '../../errors';
import { deliverUpdate } from '../temporal/deliver-update';
import { instantField } from '../shared/instant-field';
import { findVisibleTask, type ActionContext } from '../tasks/actions';
import { updateIdFor } from '../temporal/update-ids';
import { appErrorOfUpdate } from '../temporal/workflow-errors';

type Deps = Pick<ApiDeps, 'database' | 'temporal'>;

async function runItemUpdate<A extends { actor: Actor }>(
  deps: Deps,
  ctx: ActionContext,
  itemId: string,
  update: UpdateDefinition<ItemWire, [A]>,
  args: Omit<A, 'actor'>,
): Promise<ItemWire> {
  const row = await findItem(deps.database.db, itemId);
  if (!row) throw new AppError('not_found', 'No such item.');
  try {
    return await deliverUpdate(deps.temporal.workflow.getHandle(row.workflowId), update, {
      args: [{ ...args, actor: actorOf(ctx.user) } as A],
      updateId: updateIdFor(ctx.user.id, ctx.idempotencyKey),
    });
  } catch (error) {
    throw appErrorOfUpdate(error, `The item is ${row.status.replace('_', ' ')} and no longer accepts this action.`);
  }
}

/** Ids the workflow cannot make; a repeat under the same Update id is answered from the first, whatever id it carried. */
const freshId = () => randomUUID();

export async function addAssistingDepartment(deps: Deps, ctx: ActionContext, itemId: string, body: { departmentId: string; dueAt?: string | undefined }) {
  const known = await existingDepartmentIds(deps.database.db, [body.departmentId]);
  if (!known.has(body.departmentId)) throw fieldError('rule_violation', 'departmentId', 'no such department', '没有这个单位');
  return runItemUpdate(deps, ctx, itemId, addAssistUpdate, {
    taskId: freshId(),
    departmentId: body.departmentId,
    ...(body.dueAt !== undefined ? { dueAt: instantField(body.dueAt, 'body.dueAt') } : {}),
  });
}

export function changeItemDeadline(deps: Deps, ctx: ActionContext, itemId: string, body: { dueAt: string; reason: string }) {
  return runItemUpdate(deps, ctx, itemId, changeDeadlineUpdate, { dueAt: instantField(body.dueAt, 'body.dueAt'), reason: body.reason });
}

export function instructOnItem(deps: Deps, ctx: ActionContext, itemId: string, body: { text: string }) {
  return runItemUpdate(deps, ctx, itemId, instructUpdate, { id: freshId(), text: body.text });
}

export function setItemPublic(deps: Deps, ctx: ActionContext, itemId: string, body: { public: boolean; reason?: string | undefined }) {
  return runItemUpdate(deps, ctx, itemId, setPublicUpdate, { public: body.public, ...(body.reason ? { reason: body.reason } : {}) });
}

/** The person must be of the task's department; another department's task answers 404. */
export async function assignTask(deps: Deps, ctx: ActionContext, taskId: string, body: { userId: string }): Promise<TaskWire> {
  const task = await findVisibleTask(deps, ctx.user, taskId);
  const person = await findUserById(deps.database.db, body.userId);
  if (!person || person.departmentId !== task.departmentId) {
    throw fieldError('rule_violation', 'userId', "the person is not of the task's department", '承办人须为本任务承办单位人员');
  }
  try {
    return await deliverUpdate(deps.temporal.workflow.getHandle(task.workflowId), assignUpdate, {
      args: [{ actor: actorOf(ctx.user), assignee: { userId: person.id, name: person.displayName } }],
      updateId: updateIdFor(ctx.user.id, ctx.idempotencyKey),
    });
  } catch (error) {
    throw appErrorOfUpdate(error, `The task is ${task.status.replace('_', ' ')} and no longer accepts actions.`);
  }
}
