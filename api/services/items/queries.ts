/**
 * Reading items, from the Postgres read model only. Department isolation: department staff see the
 * items that have a task of their department (another answers 404, like one that does not exist);
 * what they read inside one is decided by read-model-wire.ts `itemDetailToWire`.
 */
import { findItem, listItemEvents, listItemTasks, listItems, listPublicItems } from '../../../db/queries/items';
import type { ItemKind, ItemStatus, Light } from '../../../domain';
import type { SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { AppError } from '../../errors';
import { pageWindow, type PageQuery } from '../../schemas/pagination';
import type { ItemListQuery } from '../../schemas/items';
import { confineDrillDown, itemDrillDownCondition } from '../dashboard/drill-down';
import { instantField } from '../shared/instant-field';
import { itemDetailToWire, itemSummaryToWire } from './read-model-wire';
import { accountabilityTimeline, accountabilityVisibleTo } from '../accountability/actions';
import { listItemAccountability } from '../../../db/queries/accountability';
import { currentPrimaryOf, duplicatesOf } from '../../../db/queries/merges';

type QueryDeps = Pick<ApiDeps, 'database'>;

/** The department a user is confined to, or null for roles that read everything. */
function confinedTo(user: SessionUser): string | null {
  if (user.role !== 'department') return null;
  // A department account without a department sees nothing rather than everything.
  return user.departmentId ?? '00000000-0000-0000-0000-000000000000';
}

export async function listItemsFor(deps: QueryDeps, user: SessionUser, asked: ItemListQuery) {
  const own = confinedTo(user);
  const query = own ? confineDrillDown(asked, own) : asked;
  if (!query) return { items: [], total: 0, page: asked.page, pageSize: asked.pageSize };
  // A dashboard figure's drill-down brings its own period (on its date field).
  const factMatch = itemDrillDownCondition(query);
  const { rows, total } = await listItems(
    deps.database,
    {
      kind: query.kind,
      status: query.status,
      light: query.light,
      departmentId: query.departmentId,
      issuedBy: query.issuedBy,
      q: query.q,
      from: query.from === undefined || factMatch ? undefined : new Date(instantField(query.from, 'querystring.from')),
      to: query.to === undefined || factMatch ? undefined : new Date(instantField(query.to, 'querystring.to')),
      visibleToDepartment: own ?? undefined,
      factMatch,
    },
    pageWindow(query),
  );
  // Which departments share an item is everyone's to know: they coordinate on it.
  return { items: rows.map(itemSummaryToWire), total, page: query.page, pageSize: query.pageSize };
}

export async function getItemDetail(deps: QueryDeps, user: SessionUser, itemId: string) {
  const db = deps.database.db;
  const own = confinedTo(user);
  const [item, tasks] = await Promise.all([findItem(db, itemId), listItemTasks(db, itemId)]);
  if (!item || (own && !tasks.some((t) => t.departmentId === own))) throw new AppError('not_found', 'No such item.');
  const [events, actions, merge] = await Promise.all([listItemEvents(db, itemId), listItemAccountability(db, itemId), mergesOf(db, itemId)]);
  const accountability = accountabilityVisibleTo(user, tasks, actions);
  const detail = { ...itemDetailToWire(own, item, tasks, events), ...merge };
  // Accountability actions are not workflow events (accountability/actions.ts says why): their trails
  // join the timeline here, in time order, worded like the rest.
  if (accountability.length === 0) return detail;
  const timeline = [...detail.timeline, ...accountabilityTimeline(accountability)].sort((a, b) => a.at.localeCompare(b.at));
  return { ...detail, timeline };
}

/** What the item's page shows of merges: the primary it follows, the duplicates it holds. */
async function mergesOf(db: QueryDeps['database']['db'], itemId: string) {
  const [primary, duplicates] = await Promise.all([currentPrimaryOf(db, itemId), duplicatesOf(db, itemId)]);
  return {
    mergedInto: primary ? { id: primary.id, code: primary.code, title: primary.title, mergedAt: primary.mergedAt.toISOString() } : null,
    duplicates: duplicates.map((d) => ({ id: d.id, code: d.code, title: d.title, description: d.description, mergedAt: d.mergedAt.toISOString() })),
  };
}

/** For the public (no login): only items marked public, and only title, kind, departments, due date, status, light. */
export async function listPublicItemsPage(deps: QueryDeps, query: PageQuery) {
  const { rows, total } = await listPublicItems(deps.database.db, pageWindow(query));
  return {
    items: rows.map((r) => ({
      title: r.title,
      kind: r.kind as ItemKind,
      departments: r.departments,
      dueAt: r.dueAt.toISOString(),
      status: r.status as ItemStatus,
      light: r.light as Light,
    })),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}
