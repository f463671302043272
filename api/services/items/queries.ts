/**
 * Reading items, from the Postgres read model only. Department isolation: department staff see the
 * items that have a task of their department, and inside them only their own tasks and those
 * tasks' timeline; an item without one answers 404, like one that does not exist.
 */
import { findItem, listItemEvents, listItemTasks, listItems, listPublicItems } from '../../../db/queries/items';
import type { ItemKind, ItemStatus, Light } from '../../../domain';
import type { SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { AppError } from '../../errors';
import { pageWindow, type PageQuery } from '../../schemas/pagination';
import type { ItemListQuery } from '../../schemas/items';
import { itemDrillDownCondition } from '../dashboard/drill-down';
import { instantField } from '../shared/instant-field';
import { itemRowToWire, itemSummaryToWire, taskRowToWire, timelineEntryToWire } from './read-model-wire';

type QueryDeps = Pick<ApiDeps, 'database'>;

/** The department a user is confined to, or null for roles that read everything. */
function confinedTo(user: SessionUser): string | null {
  if (user.role !== 'department') return null;
  // A department account without a department sees nothing rather than everything.
  return user.departmentId ?? '00000000-0000-0000-0000-000000000000';
}

export async function listItemsFor(deps: QueryDeps, user: SessionUser, query: ItemListQuery) {
  const own = confinedTo(user);
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
  const items = rows.map((row) => {
    const wire = itemSummaryToWire(row);
    // Which other departments share an item is theirs to know, not a department's.
    return own ? { ...wire, departmentIds: wire.departmentIds.filter((id) => id === own) } : wire;
  });
  return { items, total, page: query.page, pageSize: query.pageSize };
}

export async function getItemDetail(deps: QueryDeps, user: SessionUser, itemId: string) {
  const db = deps.database.db;
  const own = confinedTo(user);
  const [item, tasks] = await Promise.all([findItem(db, itemId), listItemTasks(db, itemId, own ?? undefined)]);
  if (!item || (own && tasks.length === 0)) throw new AppError('not_found', 'No such item.');
  const events = await listItemEvents(db, itemId, own ? tasks.map((t) => t.id) : undefined);
  return { ...itemRowToWire(item), tasks: tasks.map(taskRowToWire), timeline: events.map(timelineEntryToWire), instructions: instructionsOf(events) };
}

/** Leaders' and supervisors' instructions (批示), oldest first: the item's `item_instruction` timeline entries. */
function instructionsOf(events: Awaited<ReturnType<typeof listItemEvents>>) {
  return events
    .filter((e) => e.type === 'item_instruction')
    .map((e) => {
      const payload = (e.payload ?? {}) as { id?: string; text?: string };
      return {
        id: payload.id ?? e.id,
        at: e.at.toISOString(),
        actor: { userId: e.actorUserId, name: e.actorName, role: e.actorRole },
        text: payload.text ?? '',
      };
    });
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
