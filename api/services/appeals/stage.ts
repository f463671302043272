/** An appeal found and its stage checked against the domain's rule (404 / 409 otherwise). */
import { changeAppeal, findAppeal, type AppealChange } from '../../../db/queries/appeals';
import type { Executor } from '../../../db/client';
import type { AppealRow } from '../../../db/schema/appeals';
import { checkAppealAction, type AppealAction, type AppealStage } from '../../../domain/appeals';
import type { ApiDeps } from '../../deps';
import { AppError } from '../../errors';

type Deps = Pick<ApiDeps, 'database'>;

export async function appealFor(deps: Deps, id: string, action: AppealAction): Promise<AppealRow> {
  const row = await findAppeal(deps.database.db, id);
  if (!row) throw new AppError('not_found', 'No such appeal.');
  const violation = checkAppealAction({ stage: row.stage, reopenCount: row.reopenCount }, action);
  if (violation) throw new AppError('wrong_state', violation.message, { messageZh: violation.messageZh });
  return row;
}

/** Records the appeal's move after its task's Update went through; a concurrent move answers 409. */
export async function moveAppeal(db: Executor, row: AppealRow, change: AppealChange & { stage: AppealStage }): Promise<AppealRow> {
  const moved = await changeAppeal(db, row.id, [row.stage], change);
  if (!moved) throw new AppError('conflict', 'The appeal changed meanwhile; reload it.');
  return moved;
}
