/** For the public (no login): each department's on-time record over the items marked public. */
import { publicDepartmentStats } from '../../../db/queries/public-stats';
import type { ApiDeps } from '../../deps';

export async function publicStats(deps: Pick<ApiDeps, 'database'>) {
  const rows = await publicDepartmentStats(deps.database.db);
  return {
    departments: rows.map((r) => ({ ...r, onTimeRate: r.completed > 0 ? r.onTime / r.completed : null })),
  };
}
