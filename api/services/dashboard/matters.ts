// The standing book by matter (台账·按监管事项): per matter of the catalogue, its items and their
// tasks' figures, in the dashboard's window. `departmentId` names the matters' responsible departments.
import { matterFigures } from '../../../db/queries/matters';
import type { ApiDeps } from '../../deps';
import type { DashboardQuery } from '../../schemas/dashboard';
import { factFilterOf } from './standing-book';

export async function getMatterFigures(deps: Pick<ApiDeps, 'database'>, query: DashboardQuery, now = new Date()) {
  const filter = factFilterOf(query);
  const rows = await matterFigures(deps.database.db, filter, filter.departmentIds, now);
  return {
    matters: rows.map((r) => ({ ...r, onTimeRate: r.done > 0 ? r.onTime / r.done : null })),
    generatedAt: now.toISOString(),
  };
}
