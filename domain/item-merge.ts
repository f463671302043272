// Merging a duplicate item into its primary (issue 18, "Duplicates"), as pure rules.
//
// The duplicate follows the primary: its open tasks are cancelled with the reason "merged into
// <code>" (their timers stop), the item closes (status `cancelled`, with `merged` set), and the
// primary shows the duplicate's text. An unmerge restores the duplicate as it was: its status before
// the merge, and one task reopened for each task the merge cancelled, same department and role, its
// due date moved later by the time the duplicate spent merged (the clock resumes where it stopped).
// A merged duplicate is archived like any cancelled item, after the archive period: until then it can
// be unmerged. No chains: an item merged into another, or one that others are merged into, is neither
// a duplicate nor a primary of a new merge.
import type { Actor, Instant, ItemKind, ItemStatus, RuleViolation, ViolationCode } from './types';

/** What the duplicate keeps of a merge, to show it and to undo it. */
export interface MergeRecord {
  primaryId: string;
  primaryCode: string;
  mergedAt: Instant;
  mergedBy: Actor;
  /** The item's status before the merge (an unmerge restores it). */
  statusBefore: ItemStatus;
  /** The tasks the merge cancelled (an unmerge reopens one per task). */
  taskIds: string[];
}

/** What the merge rules need to know of either side. */
export interface MergeSide {
  id: string;
  code: string;
  kind: ItemKind;
  status: ItemStatus;
  /** The primary's code when this item is merged into one. */
  mergedIntoCode: string | null;
  /** Other items are merged into this one. */
  hasDuplicates: boolean;
}

const RUNNING: readonly ItemStatus[] = ['launched', 'in_progress'];
const refusal = (code: ViolationCode, field: string, message: string, messageZh: string): RuleViolation => ({ code, field, message, messageZh });

/** Appeals merge with appeals, verifications with verifications, the supervision kinds among themselves. */
export function mergeFamily(kind: ItemKind): 'appeal' | 'verification' | 'supervision' {
  return kind === 'appeal' || kind === 'verification' ? kind : 'supervision';
}

/** Supervisors merge anything; hotline operators (dispatchers) merge appeals into appeals. */
export function mayMerge(actor: Actor, kind: ItemKind): boolean {
  return actor.role === 'supervisor' || (actor.role === 'operator' && kind === 'appeal');
}

/** Why the duplicate alone cannot be merged (or null): its own state, as its workflow checks it too. */
export function duplicateRefusal(duplicate: Pick<MergeSide, 'status' | 'mergedIntoCode' | 'hasDuplicates' | 'kind'>, actor: Actor): RuleViolation | null {
  if (!mayMerge(actor, duplicate.kind)) {
    return refusal('forbidden', 'id', 'only a supervisor, or an operator for appeals, may merge items', '仅督查室（诉求由话务员）可以合并重复事项');
  }
  if (duplicate.mergedIntoCode !== null) {
    return refusal('wrong_state', 'id', `the item is already merged into ${duplicate.mergedIntoCode}`, `事项已并入 ${duplicate.mergedIntoCode}`);
  }
  if (!RUNNING.includes(duplicate.status)) return refusal('wrong_state', 'id', `cannot merge an item that is ${duplicate.status}`, '事项已结束，不能合并');
  if (duplicate.hasDuplicates) {
    return refusal('wrong_state', 'id', 'other items are merged into this one: unmerge them first', '已有其他事项并入本事项，请先撤销合并');
  }
  return null;
}

/** Why the duplicate cannot be merged into the primary (or null); `primaryId` names the field at fault. */
export function mergeRefusal(duplicate: MergeSide, primary: MergeSide | null, actor: Actor): RuleViolation | null {
  const own = duplicateRefusal(duplicate, actor);
  if (own) return own;
  if (!primary) return refusal('rule_violation', 'primaryId', 'no such item', '没有这个事项');
  if (primary.id === duplicate.id) return refusal('rule_violation', 'primaryId', 'an item cannot be merged into itself', '事项不能并入自身');
  if (primary.mergedIntoCode !== null) {
    return refusal(
      'rule_violation',
      'primaryId',
      `${primary.code} is itself merged into ${primary.mergedIntoCode}: merge into ${primary.mergedIntoCode} instead`,
      `${primary.code} 已并入 ${primary.mergedIntoCode}，请并入 ${primary.mergedIntoCode}`,
    );
  }
  if (!RUNNING.includes(primary.status)) return refusal('rule_violation', 'primaryId', `${primary.code} is ${primary.status}: merge only into an open item`, `${primary.code} 已结束，只能并入办理中的事项`);
  if (mergeFamily(primary.kind) !== mergeFamily(duplicate.kind)) {
    return refusal('rule_violation', 'primaryId', 'an appeal merges only into an appeal, a verification into a verification, other items among themselves', '诉求只能并入诉求，预警核查只能并入预警核查，其他督办事项之间可以合并');
  }
  if (!mayMerge(actor, primary.kind)) return refusal('forbidden', 'primaryId', 'an operator may merge only into an appeal', '话务员只能并入诉求');
  return null;
}

/** Why the item cannot be unmerged (or null). */
export function unmergeRefusal(merged: MergeRecord | null | undefined, kind: ItemKind, status: ItemStatus, actor: Actor): RuleViolation | null {
  if (!merged) return refusal('wrong_state', 'id', 'the item is not merged into another', '事项未并入其他事项');
  if (!mayMerge(actor, kind)) return refusal('forbidden', 'id', 'only a supervisor, or an operator for appeals, may unmerge items', '仅督查室（诉求由话务员）可以撤销合并');
  if (status === 'archived') return refusal('wrong_state', 'id', 'the item is archived', '事项已归档');
  return null;
}

/** A reopened task's due date: its due date at the merge, later by the time spent merged. */
export function resumedDueAt(dueAtWhenMerged: Instant, merged: Pick<MergeRecord, 'mergedAt'>, now: Instant): Instant {
  return dueAtWhenMerged + Math.max(0, now - merged.mergedAt);
}

/** The reason recorded on the tasks the merge cancels, and in both items' histories. */
export const mergedReason = (primaryCode: string) => ({ code: 'merged', en: `merged into ${primaryCode}`, zh: `已并入 ${primaryCode}` });
export const unmergedReason = (primaryCode: string) => ({ code: 'unmerged', en: `no longer merged into ${primaryCode}`, zh: `已撤销并入 ${primaryCode}` });
export const duplicateMergedReason = (duplicateCode: string) => ({ code: 'duplicate_merged', en: `${duplicateCode} merged into this item`, zh: `${duplicateCode} 已并入本事项` });
export const duplicateUnmergedReason = (duplicateCode: string) => ({ code: 'duplicate_unmerged', en: `${duplicateCode} no longer merged into this item`, zh: `${duplicateCode} 已撤销并入本事项` });
