/**
 * Merging a duplicate into its primary, and undoing it (issue 18). The rules are domain's
 * (domain/item-merge.ts): checked here first against the read model, so a refusal names its field and
 * writes nothing, then again by each workflow's Update validator. The duplicate's Update goes first
 * (its tasks close as merged), then the primary's (its history and list of duplicates), then the
 * read side's row. An unmerge reopens each task the merge cancelled (ids derived from the merge, so a
 * repeat reopens none twice).
 */
import type { UpdateDefinition } from '@temporalio/common';
import { findItem } from '../../../db/queries/items';
import type { ItemRow } from '../../../db/schema/items';
import { currentPrimaryOf, itemsWithDuplicates, moveAppealLeadTask, recordMerge, recordUnmerge } from '../../../db/queries/merges';
import { mergeRefusal, type ItemKind, type ItemStatus, type MergeSide, type RuleViolation } from '../../../domain';
import { itemStateQuery, mergeItemUpdate, noteDuplicateUpdate, unmergeItemUpdate, type ItemWire } from '../../../workflows/definitions';
import { actorOf } from '../../authz';
import type { ApiDeps } from '../../deps';
import { AppError, fieldError } from '../../errors';
import type { ActionContext } from '../tasks/actions';
import { deliverUpdate } from '../temporal/deliver-update';
import { updateIdFor } from '../temporal/update-ids';
import { appErrorOfUpdate } from '../temporal/workflow-errors';
import { stableUuid } from './commands';

type Deps = Pick<ApiDeps, 'database' | 'temporal'>;

const STATUS_OF_CODE = { wrong_state: 'wrong_state', forbidden: 'forbidden', rule_violation: 'rule_violation', invalid_input: 'validation_failed' } as const;
const refusalError = (v: RuleViolation) => fieldError(STATUS_OF_CODE[v.code], `body.${v.field ?? 'id'}`, v.message, v.messageZh);

async function sideOf(deps: Deps, row: ItemRow | undefined): Promise<MergeSide | null> {
  if (!row) return null;
  const db = deps.database.db;
  const [primary, withDuplicates] = await Promise.all([currentPrimaryOf(db, row.id), itemsWithDuplicates(db, [row.id])]);
  return { id: row.id, code: row.code, kind: row.kind as ItemKind, status: row.status as ItemStatus, mergedIntoCode: primary?.code ?? null, hasDuplicates: withDuplicates.has(row.id) };
}

async function itemUpdate<A>(deps: Deps, row: ItemRow, update: UpdateDefinition<ItemWire, [A]>, args: A, updateId: string): Promise<ItemWire> {
  try {
    return await deliverUpdate(deps.temporal.workflow.getHandle(row.workflowId), update, { args: [args], updateId });
  } catch (error) {
    throw appErrorOfUpdate(error, `The item ${row.code} is ${row.status.replace('_', ' ')} and no longer accepts this action.`);
  }
}

export async function mergeItem(deps: Deps, ctx: ActionContext, duplicateId: string, body: { primaryId: string }): Promise<ItemWire> {
  const db = deps.database.db;
  const [duplicateRow, primaryRow] = await Promise.all([findItem(db, duplicateId), findItem(db, body.primaryId)]);
  if (!duplicateRow) throw new AppError('not_found', 'No such item.');
  const actor = actorOf(ctx.user);
  const refused = mergeRefusal((await sideOf(deps, duplicateRow))!, await sideOf(deps, primaryRow), actor);
  if (refused) throw refusalError(refused);
  const primary = primaryRow!;
  const updateId = updateIdFor(ctx.user.id, ctx.idempotencyKey);
  const merged = await itemUpdate(deps, duplicateRow, mergeItemUpdate, { actor, primaryId: primary.id, primaryCode: primary.code }, updateId);
  await itemUpdate(deps, primary, noteDuplicateUpdate, { actor, duplicateId, duplicateCode: duplicateRow.code, merged: true }, `${updateId}:primary`);
  await recordMerge(db, { duplicateId, primaryId: primary.id, mergedBy: ctx.user.id, mergedAt: new Date(merged.mergedInto?.mergedAt ?? Date.now()) });
  return merged;
}

export async function unmergeItem(deps: Deps, ctx: ActionContext, duplicateId: string): Promise<ItemWire> {
  const db = deps.database.db;
  const row = await findItem(db, duplicateId);
  if (!row) throw new AppError('not_found', 'No such item.');
  const actor = actorOf(ctx.user);
  let state: ItemWire;
  try {
    state = await deps.temporal.workflow.getHandle(row.workflowId).query(itemStateQuery);
  } catch (error) {
    throw appErrorOfUpdate(error, `The item ${row.code} is ${row.status} and can no longer be unmerged.`);
  }
  const merge = state.mergedInto;
  // Without a merge the Update's validator refuses with the domain's words (409); ids are needed only with one.
  const reopen = (merge?.taskIds ?? []).map((fromTaskId) => ({ fromTaskId, taskId: stableUuid(`${duplicateId}:unmerge:${merge!.mergedAt}:${fromTaskId}`) }));
  const updateId = updateIdFor(ctx.user.id, ctx.idempotencyKey);
  const restored = await itemUpdate(deps, row, unmergeItemUpdate, { actor, reopen }, updateId);
  const primary = merge ? await findItem(db, merge.id) : undefined;
  if (primary) await itemUpdate(deps, primary, noteDuplicateUpdate, { actor, duplicateId, duplicateCode: row.code, merged: false }, `${updateId}:primary`);
  await recordUnmerge(db, duplicateId, ctx.user.id, new Date());
  if (row.kind === 'appeal') {
    const lead = restored.tasks.find((t) => t.role === 'lead' && reopen.some((r) => r.taskId === t.id));
    const from = lead && reopen.find((r) => r.taskId === lead.id);
    if (lead && from) await moveAppealLeadTask(db, duplicateId, from.fromTaskId, lead.id);
  }
  return restored;
}
