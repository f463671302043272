/**
 * The operator's return visit (回访): the citizen's rating is the review of the department's reply.
 * Satisfied (or basically satisfied) accepts the appeal's submitted tasks and closes it; the first
 * unsatisfied visit returns the lead task to the same department with the comment (重办); a second
 * one closes it as unsatisfied (domain visitDecision).
 */
import { and, eq } from 'drizzle-orm';
import { tasks } from '../../../db/schema/items';
import { visitDecision, type VisitResult } from '../../../domain/appeals';
import type { SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { AppError } from '../../errors';
import { reviewTask } from '../tasks/actions';
import { tellCitizen } from './citizen-sms';
import { appealFor, moveAppeal } from './stage';
import { appealToWire, findLeadTask } from './views';

type Deps = Pick<ApiDeps, 'database' | 'temporal' | 'queues'>;

const RESULT_ZH: Record<VisitResult, string> = { satisfied: '满意', basically_satisfied: '基本满意', unsatisfied: '不满意' };

/** The review comment that carries the visit into the task's history, in plain words. */
function visitComment(result: VisitResult, comment: string | undefined): string {
  return `回访结果：${RESULT_ZH[result]}${comment ? `；${comment}` : ''}`;
}

/** Assisting departments' reports still waiting are accepted with the lead's, so the item can complete. */
async function acceptAssists(deps: Deps, user: SessionUser, appealId: string, comment: string) {
  const waiting = await deps.database.db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.itemId, appealId), eq(tasks.role, 'assist'), eq(tasks.status, 'submitted')));
  for (const t of waiting) await reviewTask(deps, { user, idempotencyKey: null }, t.id, { decision: 'accept', comment });
}

export async function recordReturnVisit(
  deps: Deps,
  user: SessionUser,
  appealId: string,
  body: { result: VisitResult; comment?: string | undefined },
  idempotencyKey: string | null,
) {
  const appeal = await appealFor(deps, appealId, 'visit');
  const lead = await findLeadTask(deps.database.db, appealId);
  if (!lead) throw new AppError('not_found', 'No such appeal.');
  const decision = visitDecision({ stage: appeal.stage, reopenCount: appeal.reopenCount }, body.result);
  const comment = visitComment(body.result, body.comment);
  await reviewTask(deps, { user, idempotencyKey }, lead.id, { decision: decision.decision, comment });
  if (decision.decision === 'accept') await acceptAssists(deps, user, appealId, comment);
  const now = new Date();
  const row = await moveAppeal(deps.database.db, appeal, {
    stage: decision.stage,
    visitResult: body.result,
    visitComment: body.comment ?? null,
    visitedAt: now,
    visitDueAt: null,
    reopenCount: appeal.reopenCount + (decision.reopens ? 1 : 0),
    closedAt: decision.stage === 'closed' ? now : null,
  });
  // Keyed by the round it closed (before a reopening counted it).
  await tellCitizen(deps, { ...row, reopenCount: appeal.reopenCount }, 'appeal_visited');
  return appealToWire(row, user, []);
}
