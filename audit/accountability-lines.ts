// Accountability (问责) in the auditor's history: the actions are the API's records (their trail in
// `accountability_actions`), not a workflow's, so they join the history view here, in the same
// plain words as the item page (domain accountabilityWords), each line at the instant it happened.
import type { Database } from '../db/client';
import { listItemAccountability } from '../db/queries/accountability';
import { accountabilityWords } from '../domain/accountability';
import type { Actor } from '../domain';
import type { HistoryLine } from './history-view';
import { displayTime, type Lang, type NameBook } from './render';

type AccountabilityLine = Omit<HistoryLine, 'seq'>;

/** Every recorded, revised and withdrawn step of the item's accountability actions, as history lines. */
export async function accountabilityLines(db: Database, itemId: string, lang: Lang, names: NameBook): Promise<AccountabilityLine[]> {
  const actions = await listItemAccountability(db, itemId);
  return actions.flatMap(({ action }) =>
    action.trail.map((step, i): AccountabilityLine => {
      const at = Date.parse(step.at);
      const words = accountabilityWords(step.type, { kind: action.kind, personName: action.personName, departmentName: names.department(action.departmentId, lang) }, step.note);
      const unit = step.actor.departmentId && step.actor.role === 'department' ? names.department(step.actor.departmentId, lang) : null;
      const label = unit ? (lang === 'zh' ? `${unit}（${step.actor.name}）` : `${unit} (${step.actor.name})`) : step.actor.name;
      // The instant itself: what /replay?at= accepts for a line no workflow recorded.
      const ref = new Date(at).toISOString();
      return {
        at: new Date(at).toISOString(),
        localTime: displayTime(at),
        text: `${displayTime(at)} ${label}${lang === 'zh' ? '' : ': '}${words[lang]}`,
        action: `accountability_${step.type}`,
        scope: 'task',
        taskId: action.taskId,
        departmentId: action.departmentId,
        actor: { userId: step.actor.userId, name: step.actor.name, role: step.actor.role as Actor['role'], departmentId: step.actor.departmentId, label },
        workflowId: 'accountability',
        runId: action.id,
        eventId: i + 1,
        eventType: `ACCOUNTABILITY_${step.type.toUpperCase()}`,
        ref,
      };
    }),
  );
}

/** The workflows' lines and the accountability lines in one time order, numbered again. */
export function withAccountability(events: readonly HistoryLine[], extra: readonly AccountabilityLine[]): HistoryLine[] {
  const all = [...events, ...extra.map((e) => ({ ...e, seq: 0 }))];
  // Stable: lines of the same instant keep their order, the workflows' first.
  all.sort((a, b) => a.at.localeCompare(b.at));
  return all.map((e, i) => ({ ...e, seq: i + 1 }));
}
