/**
 * Department and supervisor actions on a task: each is one Temporal Update on the task workflow,
 * whose validator decides wrong state / forbidden / rule violation. Here: check what only the API can
 * (the completion form against its template), derive the Update id from the Idempotency-Key
 * (update-ids.ts) so a repeat applies once and returns the first result, and — when the Update does
 * not go through — read the task in the read model, so that another department's task answers 404
 * like a missing one (runUpdate).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { UpdateDefinition } from '@temporalio/common';
import { existingDepartmentIds, findItem, findTask } from '../../../db/queries/items';
import { getTemplate } from '../../../db/queries/templates';
import type { TaskRow } from '../../../db/schema/items';
import type { Actor, ItemKind, TaskWire } from '../../../domain';
import { taskWorkflowId } from '../../../workflows/ids';
import {
  completeUpdate,
  decideExtensionUpdate,
  decideTransferUpdate,
  progressUpdate,
  requestExtensionUpdate,
  requestTransferUpdate,
  reviewUpdate,
  signUpdate,
  urgeUpdate,
} from '../../../workflows/definitions';
import { actorOf, canReadDepartment, type SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { AppError, fieldError } from '../../errors';
import { fieldsWithSummary, validateCompletionFields } from './completion-form';
import { instantField } from '../shared/instant-field';
import { updateIdFor } from '../temporal/update-ids';
import { deliverUpdate } from '../temporal/deliver-update';
import { appErrorOfUpdate } from '../temporal/workflow-errors';

type TaskDeps = Pick<ApiDeps, 'database' | 'temporal'>;

/** Who asks, and the key that makes the action idempotent (the Update id). */
export interface ActionContext {
  user: SessionUser;
  idempotencyKey: string | null;
}

/** The task as the caller may see it; 404 for a task of another department (existence must not leak). */
export async function findVisibleTask(deps: Pick<ApiDeps, 'database'>, user: SessionUser, taskId: string): Promise<TaskRow> {
  const task = await findTask(deps.database.db, taskId);
  if (!task || !canReadDepartment(user, task.departmentId)) throw new AppError('not_found', 'No such task.');
  return task;
}

/**
 * How long an action waits for a just-launched task's workflow to be started by its item (only for a
 * task the read model shows open; an unknown id answers 404 at once). Generous: on a loaded machine
 * the item's first workflow task can take seconds, and a department that signs at once must not be refused.
 */
const START_GRACE_MS = 20_000;

/** The task an action is for: its id, and its read-model row once read (only when needed). */
interface ActionTarget {
  id: string;
  row: TaskRow | null;
}

/**
 * Sends the action's Update to the task's workflow (its id follows from the task id). The read model
 * is consulted only when the Update does not go through — a refusal, a workflow not found or ended:
 * a task the caller may not see answers 404 whatever the workflow said (existence must not leak; the
 * workflow's validator refuses another department anyway, before anything enters history), an open
 * task whose workflow is not there yet is waited for, and an ended one is named by its state. An
 * accepted action thus costs no read of the read model.
 */
async function runUpdate<A extends { actor: Actor }>(
  deps: TaskDeps,
  ctx: ActionContext,
  target: ActionTarget,
  update: UpdateDefinition<TaskWire, [A]>,
  args: Omit<A, 'actor'>,
): Promise<TaskWire> {
  const handle = deps.temporal.workflow.getHandle(target.row?.workflowId ?? taskWorkflowId(target.id));
  const options = { args: [{ ...args, actor: actorOf(ctx.user) } as A] as [A], updateId: updateIdFor(ctx.user.id, ctx.idempotencyKey) };
  const giveUpAt = Date.now() + START_GRACE_MS;
  for (;;) {
    try {
      // "Not found" comes back at once: whether to wait is decided here, from the read model.
      return await deliverUpdate(handle, update, options, false);
    } catch (error) {
      const task = (target.row ??= await findVisibleTask(deps, ctx.user, target.id));
      // The launch answers (and lists the task) before the item workflow has started the task's
      // workflow: an open task whose workflow is not there yet is about to be, so wait for it.
      if (error instanceof WorkflowNotFoundError && task.closedAt === null && Date.now() < giveUpAt) {
        await sleep(100);
        continue;
      }
      throw appErrorOfUpdate(error, `The task is ${task.status.replace('_', ' ')} and no longer accepts actions.`);
    }
  }
}

const unread = (id: string): ActionTarget => ({ id, row: null });

async function checkDepartmentExists(deps: TaskDeps, departmentId: string | undefined, field: string) {
  if (departmentId === undefined) return;
  const known = await existingDepartmentIds(deps.database.db, [departmentId]);
  if (!known.has(departmentId)) throw fieldError('rule_violation', field, 'no such department', '没有这个单位');
}

// ---- the responsible department ----

export async function signTask(deps: TaskDeps, ctx: ActionContext, taskId: string) {
  return runUpdate(deps, ctx, unread(taskId), signUpdate, {});
}

export async function reportProgress(deps: TaskDeps, ctx: ActionContext, taskId: string, body: { text: string; percent?: number }) {
  return runUpdate(
    deps,
    ctx,
    unread(taskId),
    progressUpdate,
    body.percent === undefined ? { text: body.text } : { text: body.text, percent: body.percent },
  );
}

export async function requestExtension(deps: TaskDeps, ctx: ActionContext, taskId: string, body: { reason: string; newDueAt: string }) {
  return runUpdate(deps, ctx, unread(taskId), requestExtensionUpdate, {
    reason: body.reason,
    newDueAt: instantField(body.newDueAt, 'body.newDueAt'),
  });
}

export async function requestTransfer(
  deps: TaskDeps,
  ctx: ActionContext,
  taskId: string,
  body: { reason: string; suggestedDepartmentId?: string },
) {
  await checkDepartmentExists(deps, body.suggestedDepartmentId, 'body.suggestedDepartmentId');
  return runUpdate(deps, ctx, unread(taskId), requestTransferUpdate, body);
}

export async function submitCompletion(
  deps: TaskDeps,
  ctx: ActionContext,
  taskId: string,
  body: { summary: string; fields?: Record<string, unknown> },
) {
  const task = await findVisibleTask(deps, ctx.user, taskId);
  const item = await findItem(deps.database.db, task.itemId);
  if (!item) throw new AppError('not_found', 'No such task.');
  const template = await getTemplate(deps.database.db, item.kind as ItemKind);
  const { fields, filled } = fieldsWithSummary(template, body.summary, body.fields);
  // A `result` taken from the summary is the summary's problem, named as such.
  const problems = validateCompletionFields(template, fields).map((p) =>
    filled && p.field === 'body.fields.result' ? { ...p, field: 'body.summary' } : p,
  );
  if (problems.length > 0) {
    throw new AppError(
      'validation_failed',
      `The completion form is incomplete: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
      { fields: problems },
    );
  }
  return runUpdate(deps, ctx, { id: taskId, row: task }, completeUpdate, { summary: body.summary, fields });
}

// ---- the supervision office ----

export async function reviewTask(
  deps: TaskDeps,
  ctx: ActionContext,
  taskId: string,
  body: { decision: 'accept' | 'return'; comment: string },
) {
  return runUpdate(deps, ctx, unread(taskId), reviewUpdate, body);
}

export async function decideExtension(deps: TaskDeps, ctx: ActionContext, taskId: string, body: { approve: boolean; comment?: string }) {
  return runUpdate(deps, ctx, unread(taskId), decideExtensionUpdate, body);
}

export async function decideTransfer(
  deps: TaskDeps,
  ctx: ActionContext,
  taskId: string,
  body: { approve: boolean; departmentId?: string; comment?: string },
) {
  if (body.approve) await checkDepartmentExists(deps, body.departmentId, 'body.departmentId');
  return runUpdate(deps, ctx, unread(taskId), decideTransferUpdate, body);
}

/** Supervisors and leaders. */
export async function urgeTask(deps: TaskDeps, ctx: ActionContext, taskId: string, body: { message: string }) {
  return runUpdate(deps, ctx, unread(taskId), urgeUpdate, body);
}
