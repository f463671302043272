// The item list as a dashboard figure's drill-down: items having a department task the figure
// counts, with the dashboard's own filters (db/queries/dashboard.ts), so both agree.
import { sql, type SQL } from 'drizzle-orm';
import { itemHasFact } from '../../../db/queries/dashboard';
import type { ItemListQuery } from '../../schemas/items';
import { factFilterOf } from './standing-book';

/** The extra condition when the query names a figure (metric, dateField or asOf); else undefined. */
export function itemDrillDownCondition(query: ItemListQuery): SQL | undefined {
  if (query.metric === undefined && query.dateField === undefined && query.asOf === undefined && query.departmentIds === undefined)
    return undefined;
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
