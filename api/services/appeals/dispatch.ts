/**
 * Dispatch (派单): the first launches the appeal's item (kind `appeal`, the appeal's id) with the lead
 * task and any assisting ones, so every clock starts now; a returned appeal is re-dispatched by
 * deciding its lead task's pending return as a transfer to the new department (a fresh task, its
 * sign-and-contact window from now).
 */
import { existingDepartmentIds } from '../../../db/queries/items';
import { getTemplate } from '../../../db/queries/templates';
import type { AppealRow } from '../../../db/schema/appeals';
import { actorOf, type SessionUser } from '../../authz';
import type { Actor } from '../../../domain';
import type { ApiDeps } from '../../deps';
import { AppError, ruleRefusal } from '../../errors';
import { launchWithId } from '../items/commands';
import { matterNamed } from '../matters/catalogue';
import { tieItemToMatter } from '../../../db/queries/matters';
import { decideTransfer } from '../tasks/actions';
import { appealFor, moveAppeal } from './stage';
import { findLeadTask, appealToWire } from './views';

type Deps = Pick<ApiDeps, 'config' | 'database' | 'temporal'>;

export interface Dispatched {
  row: AppealRow;
  departments: string[];
}

export interface DispatchBody {
  departmentId: string;
  assist?: string[] | undefined;
  matterId?: string | undefined;
}

/** Who dispatches: the dispatcher's user id (the item's issuer, the appeal's `dispatchedBy`) and the actor its timeline names. */
export interface Dispatcher {
  userId: string;
  actor: Actor;
}

export const dispatcherOf = (user: SessionUser): Dispatcher => ({ userId: user.id, actor: actorOf(user) });

/** The first dispatch: by a person (dispatchAppeal), or by the auto-dispatch system user (auto-dispatch.ts). */
export async function firstDispatch(deps: Deps, by: Dispatcher, appeal: AppealRow, body: DispatchBody): Promise<Dispatched> {
  const template = await getTemplate(deps.database.db, 'appeal');
  const matterId = body.matterId ?? appeal.matterId;
  const assist = body.assist ?? [];
  const launched = await launchWithId(
    deps,
    by.actor,
    {
      kind: 'appeal',
      title: appeal.title,
      description: appeal.place ? `${appeal.text}\n\n地点：${appeal.place}` : appeal.text,
      source: `${appeal.code}（${appeal.channel}）`,
      public: false,
      // The template's default deadline and windows; an admin edits them on the template.
      signWithin: template.signWithin,
      tasks: [{ departmentId: body.departmentId, role: 'lead' as const }, ...assist.map((departmentId) => ({ departmentId, role: 'assist' as const }))],
    },
    by.userId,
    appeal.id,
    // The item is tied to the appeal's matter in its launch's transaction.
    matterId ? (tx) => tieItemToMatter(tx, appeal.id, matterId) : undefined,
  );
  const lead = launched.tasks.find((t) => t.role === 'lead')!;
  const now = new Date();
  const row = await moveAppeal(deps.database.db, appeal, { stage: 'dispatched', departmentId: body.departmentId, leadTaskId: lead.id, dispatchedAt: now, lastDispatchedAt: now, dispatchedBy: by.userId, matterId });
  return { row, departments: launched.tasks.map((t) => t.departmentId) };
}

async function redispatch(deps: Deps, user: SessionUser, appeal: AppealRow, body: DispatchBody, idempotencyKey: string | null): Promise<Dispatched> {
  if (body.assist?.length) throw ruleRefusal('body.assist', 'assisting departments are given at the first dispatch', '协办单位在首次派单时指定');
  const lead = await findLeadTask(deps.database.db, appeal.id);
  if (!lead) throw new AppError('not_found', 'No such appeal.');
  await decideTransfer(deps, { user, idempotencyKey }, lead.id, { approve: true, departmentId: body.departmentId, comment: '重新派单' });
  const now = new Date();
  // The new lead task is opened by the item workflow; readers find it by role (views.ts findLeadTask).
  const matter = body.matterId ? { matterId: body.matterId } : {};
  if (body.matterId) await tieItemToMatter(deps.database.db, appeal.id, body.matterId);
  const row = await moveAppeal(deps.database.db, appeal, { stage: 'dispatched', departmentId: body.departmentId, leadTaskId: null, lastDispatchedAt: now, dispatchedBy: user.id, ...matter });
  return { row, departments: [body.departmentId] };
}

/** Every named department exists, none twice (422 naming the field of this body). */
async function checkDepartments(deps: Deps, body: DispatchBody) {
  const assist = body.assist ?? [];
  const known = await existingDepartmentIds(deps.database.db, [body.departmentId, ...assist]);
  if (!known.has(body.departmentId)) throw ruleRefusal('body.departmentId', 'no such department', '没有这个单位');
  assist.forEach((id, i) => {
    if (!known.has(id)) throw ruleRefusal(`body.assist.${i}`, 'no such department', '没有这个单位');
    if (id === body.departmentId || assist.indexOf(id) !== i) throw ruleRefusal(`body.assist.${i}`, 'a department is named twice', '同一单位不能重复指定');
  });
}

export async function dispatchAppeal(deps: Deps, user: SessionUser, appealId: string, body: DispatchBody, idempotencyKey: string | null) {
  const appeal = await appealFor(deps, appealId, 'dispatch');
  await checkDepartments(deps, body);
  if (body.matterId) await matterNamed(deps, body.matterId, 'body.matterId');
  const { row, departments } =
    appeal.stage === 'registered' ? await firstDispatch(deps, dispatcherOf(user), appeal, body) : await redispatch(deps, user, appeal, body, idempotencyKey);
  return appealToWire(row, user, departments);
}
