/**
 * The department's side of an appeal, on its lead task: the reply to the citizen (the task's
 * completion report, with the contact record as its form fields) and the return of a misrouted
 * appeal to dispatch (退单: the task's transfer request, decided by the re-dispatch).
 */
import { recordAppealReturn } from '../../../db/queries/appeals';
import { findItem } from '../../../db/queries/items';
import { getTemplate } from '../../../db/queries/templates';
import { addWorkingDays, contactedWithin, parseDuration, type AppealAction, type TaskWire } from '../../../domain';
import type { ApiDeps } from '../../deps';
import { ruleRefusal } from '../../errors';
import { loadWorkCalendar } from '../organisation/calendar';
import { instantField } from '../shared/instant-field';
import { findVisibleTask, requestTransfer, submitCompletion, type ActionContext } from '../tasks/actions';
import { tellCitizen } from './citizen-sms';
import { appealFor, moveAppeal } from './stage';

type Deps = Pick<ApiDeps, 'database' | 'temporal' | 'queues'>;

/** The appeal whose lead task this is; 404 for a task the caller may not see, 422 for any other task. */
async function appealOfTask(deps: Deps, ctx: ActionContext, taskId: string, action: AppealAction) {
  const task = await findVisibleTask(deps, ctx.user, taskId);
  const item = await findItem(deps.database.db, task.itemId);
  if (item?.kind !== 'appeal' || task.role !== 'lead') {
    throw ruleRefusal('id', 'only the lead task of an appeal replies to the citizen or returns it', '只有诉求的主办任务可以答复或退单');
  }
  return { task, appeal: await appealFor(deps, task.itemId, action) };
}

const FUTURE_SLACK_MS = 5 * 60_000;

export async function replyToCitizen(
  deps: Deps,
  ctx: ActionContext,
  taskId: string,
  body: { text: string; contactMethod: 'phone' | 'sms' | 'visit' | 'letter'; contactedAt: string },
): Promise<TaskWire> {
  const contactedAt = instantField(body.contactedAt, 'body.contactedAt');
  if (contactedAt > Date.now() + FUTURE_SLACK_MS) throw ruleRefusal('body.contactedAt', 'the contact cannot be in the future', '联系时间不能晚于现在');
  const { appeal } = await appealOfTask(deps, ctx, taskId, 'reply');
  const task = await submitCompletion(deps, ctx, taskId, { summary: body.text, fields: { contactMethod: body.contactMethod, contactedAt: body.contactedAt } });
  const now = Date.now();
  const template = await getTemplate(deps.database.db, 'appeal');
  const year = new Date(now).getUTCFullYear();
  const visitDueAt = addWorkingDays(now, template.returnVisitWithinWorkingDays ?? 3, await loadWorkCalendar(deps.database.db, year, year + 1));
  const window = parseDuration(template.signWithin);
  const replied = await moveAppeal(deps.database.db, appeal, {
    stage: 'replied',
    replyText: body.text,
    repliedAt: new Date(now),
    contactMethod: body.contactMethod,
    contactedAt: new Date(contactedAt),
    // Judged at the first contact only: a reopened appeal's second reply does not change it.
    contactedInWindow: appeal.contactedInWindow ?? contactedWithin(appeal.lastDispatchedAt!.getTime(), contactedAt, window),
    visitDueAt: new Date(visitDueAt),
  });
  await tellCitizen(deps, replied, 'appeal_replied');
  return task;
}

export async function returnToDispatch(deps: Deps, ctx: ActionContext, taskId: string, body: { reason: string }): Promise<TaskWire> {
  const { appeal, task: row } = await appealOfTask(deps, ctx, taskId, 'return');
  const task = await requestTransfer(deps, ctx, taskId, { reason: body.reason });
  await deps.database.db.transaction(async (tx) => {
    await moveAppeal(tx, appeal, { stage: 'returned', returnCount: appeal.returnCount + 1 });
    await recordAppealReturn(tx, { appealId: appeal.id, taskId, departmentId: row.departmentId, reason: body.reason, returnedBy: ctx.user.id });
  });
  return task;
}
