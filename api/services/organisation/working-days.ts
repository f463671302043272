/**
 * "N working days from now": the launch form shows the date a working-day deadline resolves to,
 * computed exactly as the launch computes it (same calendar years, same resolveDeadlines).
 */
import { resolveDeadlines } from '../../../domain';
import type { ApiDeps } from '../../deps';
import { fieldError } from '../../errors';
import { calendarYears } from '../items/launch-plan';
import { instantField } from '../shared/instant-field';
import { loadWorkCalendar } from './calendar';

// The years the platform keeps a calendar for (the calendar routes' bounds).
const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;

export async function dueDateIn(deps: Pick<ApiDeps, 'database'>, days: number, fromIso: string | undefined, now = Date.now()) {
  const from = fromIso === undefined ? now : instantField(fromIso, 'querystring.from');
  const year = new Date(from + 8 * 3_600_000).getUTCFullYear();
  if (year < FIRST_YEAR || year > LAST_YEAR)
    throw fieldError(
      'validation_failed',
      'querystring.from',
      `must be within ${FIRST_YEAR}..${LAST_YEAR}`,
      `须在 ${FIRST_YEAR} 至 ${LAST_YEAR} 年之间`,
    );
  const timing = { due: { workingDays: days }, taskDue: [] };
  const { fromYear, toYear } = calendarYears(timing, from);
  const calendar = await loadWorkCalendar(deps.database.db, fromYear, toYear);
  const { dueAt } = resolveDeadlines({ startAt: from, dueInWorkingDays: days, warnBeforeMs: 0, signWithinMs: 0 }, calendar);
  return { dueAt: new Date(dueAt).toISOString() };
}
