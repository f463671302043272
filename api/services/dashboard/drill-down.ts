// The item list as a dashboard figure's drill-down: items having a department task the figure
// counts, with the dashboard's own filters (db/queries/dashboard.ts), so both agree.
import { sql, type SQL } from 'drizzle-orm';
import { itemHasFact } from '../../../db/queries/dashboard';
import type { ItemListQuery } from '../../schemas/items';
import { factFilterOf, parseDepartmentIds } from './standing-book';

const isDrillDown = (query: ItemListQuery) =>
  query.metric !== undefined || query.dateField !== undefined || query.asOf !== undefined || query.departmentIds !== undefined;

/** The extra condition when the query names a figure (metric, dateField or asOf); else undefined. */
export function itemDrillDownCondition(query: ItemListQuery): SQL | undefined {
  if (!isDrillDown(query)) return undefined;
  const filter = factFilterOf({
    from: query.from,
    to: query.to,
    kind: query.kind,
    departmentId: query.departmentIds ?? query.departmentId,
    issuedBy: query.issuedBy,
    dateField: query.dateField ?? 'launched',
    asOf: query.asOf,
  });
  return itemHasFact(sql`"items"."id"`, filter, query.metric ?? 'total');
}

/**
 * A department's drill-down counts its own tasks' facts only: a figure of a shared item must not
 * reveal another department's outcome or light history. Naming only other departments finds
 * nothing (null); a figure without departments is the caller's own.
 */
export function confineDrillDown(query: ItemListQuery, ownDepartmentId: string): ItemListQuery | null {
  if (!isDrillDown(query)) return query;
  const named = parseDepartmentIds(query.departmentIds);
  if (named && !named.includes(ownDepartmentId)) return null;
  return { ...query, departmentIds: ownDepartmentId };
}
