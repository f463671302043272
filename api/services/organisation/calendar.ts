/** The working-day calendar: built-in Chinese public holidays and make-up days, plus admin overrides. */
import chineseDays from 'chinese-days';
import { listCalendarOverrides, replaceYearOverrides, type CalendarOverrideRow } from '../../../db/queries/calendar';
import type { Executor } from '../../../db/client';
import { buildChinaCalendar } from '../../../domain/calendar-data';
import { dayNumber, type WorkCalendar } from '../../../domain/calendar';
import type { ApiDeps } from '../../deps';
import { fieldError } from '../../errors';
import { countCalendarChangeImpact, onCalendarChanged } from './calendar-change';

export interface NamedDay {
  date: string;
  /** The holiday it belongs to, e.g. "National Day / 国庆节". */
  name: string | null;
}

// getDayDetail names statutory days "English,中文,n"; plain weekdays/weekends by weekday.
function holidayName(date: string): string | null {
  const [en, zh] = chineseDays.getDayDetail(date).name.split(',');
  return zh ? `${en} / ${zh}` : null;
}

/** A year's overrides as an admin proposes them, not saved: the calendar as it would be (a dry run). */
export interface ProposedYear {
  year: number;
  overrides: readonly CalendarOverrideRow[];
}

/** The calendar of the given years with the stored overrides applied: what deadlines are computed on. */
export async function loadWorkCalendar(db: Executor, fromYear: number, toYear = fromYear, proposed?: ProposedYear): Promise<WorkCalendar> {
  const stored = await listCalendarOverrides(db, fromYear, toYear);
  const overrides = proposed
    ? [...stored.filter((o) => !o.date.startsWith(`${proposed.year}-`)), ...proposed.overrides]
    : stored;
  return buildChinaCalendar({
    fromYear,
    toYear,
    overrides: overrides.map((o) => ({ date: o.date, kind: o.kind, note: o.note ?? undefined })),
  });
}

export async function calendarOfYear(deps: Pick<ApiDeps, 'database'>, year: number) {
  const builtIn = buildChinaCalendar({ fromYear: year, toYear: year });
  const overrides = await listCalendarOverrides(deps.database.db, year);
  const effective = await loadWorkCalendar(deps.database.db, year);
  const named = (dates: Iterable<string>): NamedDay[] => [...dates].map((date) => ({ date, name: holidayName(date) }));
  return {
    year,
    builtIn: { holidays: named(builtIn.holidays), workdays: named(builtIn.workdays) },
    overrides: overrides.map((o) => ({ date: o.date, kind: o.kind, note: o.note })),
    /** Days off that would otherwise be working days, after overrides. */
    holidays: [...effective.holidays],
    /** Weekend days that are working days (调休), after overrides. */
    workdays: [...effective.workdays],
  };
}

function checkYearOverrides(year: number, overrides: readonly CalendarOverrideRow[]) {
  const seen = new Set<string>();
  overrides.forEach((o, index) => {
    const field = `body.overrides.${index}.date`;
    try {
      dayNumber(o.date);
    } catch {
      throw fieldError('validation_failed', field, 'not a real date', `${o.date} 不是真实存在的日期`, `${o.date} is not a real date`);
    }
    if (!o.date.startsWith(`${year}-`))
      throw fieldError('validation_failed', field, `not in ${year}`, `${o.date} 不在 ${year} 年内`, `${o.date} is not in ${year}`);
    if (seen.has(o.date)) throw fieldError('validation_failed', field, 'appears twice', `${o.date} 重复出现`, `${o.date} appears twice`);
    seen.add(o.date);
  });
}

/** How many open tasks a change of the year's overrides would recompute; nothing is saved or told. */
export async function yearOverridesImpact(deps: ApiDeps, year: number, overrides: CalendarOverrideRow[]) {
  checkYearOverrides(year, overrides);
  return { openTasksToRecompute: await countCalendarChangeImpact(deps, { year, overrides }) };
}

/** Replaces the year's overrides, then tells open workflows (see onCalendarChanged). */
export async function putYearOverrides(deps: ApiDeps, year: number, overrides: CalendarOverrideRow[], by: { id: string }) {
  checkYearOverrides(year, overrides);
  await deps.database.db.transaction((tx) => replaceYearOverrides(tx, year, overrides, by.id));
  const affectedWorkflows = await onCalendarChanged(deps, year);
  return { ...(await calendarOfYear(deps, year)), affectedWorkflows };
}
