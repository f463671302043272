/**
 * Accountability (问责): who may be held to account, for which task, and how an action reads in plain
 * words. Pure: the API decides with these, the timeline and exports word them the same way.
 */
import type { Light, Outcome, TaskStatus } from './types';

export const ACCOUNTABILITY_KINDS = ['interview', 'circulated_criticism', 'written_explanation', 'other'] as const;
export type AccountabilityKind = (typeof ACCOUNTABILITY_KINDS)[number];

export const ACCOUNTABILITY_KIND_WORDS: Record<AccountabilityKind, { zh: string; en: string }> = {
  interview: { zh: '约谈', en: 'interview' },
  circulated_criticism: { zh: '通报批评', en: 'circulated criticism' },
  written_explanation: { zh: '书面检查', en: 'written explanation' },
  other: { zh: '其他问责', en: 'other accountability action' },
};

/** What the rule needs of a task, with its light as of the moment of reading. */
export interface AccountableTaskFacts {
  status: TaskStatus;
  light: Light;
  redEver: boolean;
  outcome: Outcome;
}

/** Why an action may not be recorded against this task, in both languages; null when it may. */
export function accountabilityRefusal(task: AccountableTaskFacts): { en: string; zh: string } | null {
  if (task.status === 'transferred' || task.status === 'cancelled') {
    return { en: 'the task was transferred or cancelled: hold its new task (or nobody) to account', zh: '该任务已转办或撤销，不能对其问责' };
  }
  // A red light is recorded for good (DESIGN.md), so a task that went red and was then finished
  // stays accountable, as does one accepted late.
  if (task.light === 'red' || task.redEver || task.outcome === 'overdue') return null;
  return { en: 'only a task that is red or was completed overdue can be held to account', zh: '只能对亮红灯或超时办结的任务问责' };
}

export type AccountabilityTrailType = 'recorded' | 'revised' | 'withdrawn';

/** One timeline line for an action's event, in plain words. */
export function accountabilityWords(
  type: AccountabilityTrailType,
  action: { kind: AccountabilityKind; personName: string; departmentName: string },
  note?: string | null,
): { zh: string; en: string } {
  const kind = ACCOUNTABILITY_KIND_WORDS[action.kind];
  const tail = { zh: note ? `：${note}` : '', en: note ? `: ${note}` : '' };
  switch (type) {
    case 'recorded':
      return { zh: `对${action.departmentName}（${action.personName}）问责：${kind.zh}${tail.zh}`, en: `Held ${action.departmentName} (${action.personName}) to account: ${kind.en}${tail.en}` };
    case 'revised':
      return { zh: `修改对${action.departmentName}（${action.personName}）的问责（${kind.zh}）${tail.zh}`, en: `Revised the ${kind.en} of ${action.departmentName} (${action.personName})${tail.en}` };
    case 'withdrawn':
      return { zh: `撤销对${action.departmentName}（${action.personName}）的问责（${kind.zh}）${tail.zh}`, en: `Withdrew the ${kind.en} of ${action.departmentName} (${action.personName})${tail.en}` };
  }
}
