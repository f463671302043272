// Accountability actions (问责): the API's writes and the reads of the item page, the standing book,
// the assessment and the exports. Each action is one row; its trail says who did what to it.
import { and, asc, eq, gte, inArray, lt, lte, or, gt, isNull, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client';
import { accountabilityActions, type AccountabilityRow, type AccountabilityTrailEntry } from '../schema/accountability';
import { items } from '../schema/items';
import { departments } from '../schema/org';
import type { FactFilter } from './dashboard';

export type NewAccountability = Omit<typeof accountabilityActions.$inferInsert, 'trail' | 'status' | 'version'> & { trail: AccountabilityTrailEntry[] };

export async function insertAccountability(db: Executor, row: NewAccountability): Promise<AccountabilityRow> {
  const [inserted] = await db.insert(accountabilityActions).values(row).returning();
  return inserted!;
}

export async function findAccountability(db: Executor, id: string): Promise<AccountabilityRow | undefined> {
  const [row] = await db.select().from(accountabilityActions).where(eq(accountabilityActions.id, id));
  return row;
}

/**
 * Changes an action and appends to its trail, only if nobody changed it since it was read (`version`)
 * and it is still active: undefined when it lost that race or was withdrawn meanwhile.
 */
export async function updateAccountability(
  db: Executor,
  id: string,
  version: number,
  changes: Partial<Pick<AccountabilityRow, 'kind' | 'personName' | 'departmentId' | 'reason' | 'decision' | 'decidedAt' | 'status' | 'withdrawnAt' | 'withdrawReason'>>,
  entry: AccountabilityTrailEntry,
): Promise<AccountabilityRow | undefined> {
  const [row] = await db
    .update(accountabilityActions)
    .set({
      ...changes,
      updatedAt: new Date(entry.at),
      version: sql`${accountabilityActions.version} + 1`,
      trail: sql`${accountabilityActions.trail} || ${JSON.stringify([entry])}::jsonb`,
    })
    .where(and(eq(accountabilityActions.id, id), eq(accountabilityActions.version, version), eq(accountabilityActions.status, 'active')))
    .returning();
  return row;
}

/** An item's actions, with the accountable department's name, oldest decision first. */
export async function listItemAccountability(db: Executor, itemId: string) {
  return db
    .select({ action: accountabilityActions, departmentName: departments.name })
    .from(accountabilityActions)
    .innerJoin(departments, eq(departments.id, accountabilityActions.departmentId))
    .where(eq(accountabilityActions.itemId, itemId))
    .orderBy(asc(accountabilityActions.decidedAt), asc(accountabilityActions.createdAt));
}

export type ItemAccountability = Awaited<ReturnType<typeof listItemAccountability>>[number];

/**
 * The actions a standing book's period counts: decided within [from, to), on items of the filter's
 * kind and issuer, against the filter's departments; active at `asOf` (recorded by then and not
 * withdrawn by then), or active now.
 */
function periodConditions(filter: FactFilter): SQL | undefined {
  const conditions: (SQL | undefined)[] = [];
  if (filter.from) conditions.push(gte(accountabilityActions.decidedAt, filter.from));
  if (filter.to) conditions.push(lt(accountabilityActions.decidedAt, filter.to));
  if (filter.kind) conditions.push(eq(items.kind, filter.kind));
  if (filter.issuedBy) conditions.push(eq(items.issuedBy, filter.issuedBy));
  if (filter.departmentIds) conditions.push(inArray(accountabilityActions.departmentId, [...filter.departmentIds]));
  if (filter.asOf) {
    conditions.push(lte(accountabilityActions.createdAt, filter.asOf));
    conditions.push(or(isNull(accountabilityActions.withdrawnAt), gt(accountabilityActions.withdrawnAt, filter.asOf)));
  } else {
    conditions.push(eq(accountabilityActions.status, 'active'));
  }
  return and(...conditions);
}

/** Counts per (item kind, department) of the period's actions: what the standing book adds to its rows. */
export async function countAccountability(db: Executor, filter: FactFilter) {
  return db
    .select({ kind: items.kind, departmentId: accountabilityActions.departmentId, count: sql<number>`count(*)::int` })
    .from(accountabilityActions)
    .innerJoin(items, eq(items.id, accountabilityActions.itemId))
    .where(periodConditions(filter))
    .groupBy(items.kind, accountabilityActions.departmentId);
}

/** The period's actions themselves, for the assessment's explanation (newest decision first). */
export async function listPeriodAccountability(db: Executor, filter: FactFilter, limit: number) {
  return db
    .select({
      id: accountabilityActions.id,
      departmentId: accountabilityActions.departmentId,
      kind: accountabilityActions.kind,
      personName: accountabilityActions.personName,
      decidedAt: accountabilityActions.decidedAt,
      itemId: accountabilityActions.itemId,
      itemCode: items.code,
      taskId: accountabilityActions.taskId,
    })
    .from(accountabilityActions)
    .innerJoin(items, eq(items.id, accountabilityActions.itemId))
    .where(periodConditions(filter))
    .orderBy(sql`${accountabilityActions.decidedAt} desc`)
    .limit(limit);
}
