import { and, asc, gte, lte } from 'drizzle-orm';
import type { Executor } from '../client';
import { calendarOverrides } from '../schema/admin-data';

export interface CalendarOverrideRow {
  date: string;
  kind: 'workday' | 'holiday';
  note: string | null;
}

/** Admin overrides between two years, inclusive, in date order. */
export async function listCalendarOverrides(db: Executor, fromYear: number, toYear = fromYear): Promise<CalendarOverrideRow[]> {
  return db
    .select({ date: calendarOverrides.date, kind: calendarOverrides.kind, note: calendarOverrides.note })
    .from(calendarOverrides)
    .where(and(gte(calendarOverrides.date, `${fromYear}-01-01`), lte(calendarOverrides.date, `${toYear}-12-31`)))
    .orderBy(asc(calendarOverrides.date));
}

/** Replaces every override of one year (call inside a transaction). */
export async function replaceYearOverrides(db: Executor, year: number, overrides: readonly CalendarOverrideRow[], updatedBy: string): Promise<void> {
  await db.delete(calendarOverrides).where(and(gte(calendarOverrides.date, `${year}-01-01`), lte(calendarOverrides.date, `${year}-12-31`)));
  if (overrides.length > 0) await db.insert(calendarOverrides).values(overrides.map((o) => ({ ...o, updatedBy })));
}
