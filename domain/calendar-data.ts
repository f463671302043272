// NOT FOR WORKFLOW CODE: imports the `chinese-days` package (a data table with its own clock
// defaults). Activities and the API build the plain WorkCalendar here and hand it to workflows.
import chineseDays from 'chinese-days';
import { CHINA_UTC_OFFSET_MINUTES, dateOfDayNumber, dayNumber, withOverrides } from './calendar';
import type { CalendarOverride, WorkCalendar } from './calendar';

export interface BuildCalendarOptions {
  fromYear: number;
  toYear: number;
  overrides?: readonly CalendarOverride[];
}

/**
 * Chinese public holidays and make-up working days for the given years, then admin overrides.
 * Years the package has no data for (future years not yet announced) fall back to weekends only.
 */
export function buildChinaCalendar({ fromYear, toYear, overrides = [] }: BuildCalendarOptions): WorkCalendar {
  if (!Number.isInteger(fromYear) || !Number.isInteger(toYear) || toYear < fromYear) {
    throw new RangeError(`bad year range ${fromYear}..${toYear}`);
  }
  const first = dayNumber(`${String(fromYear).padStart(4, '0')}-01-01`);
  const last = dayNumber(`${String(toYear).padStart(4, '0')}-12-31`);
  const holidays: string[] = [];
  const workdays: string[] = [];
  for (let day = first; day <= last; day++) {
    const date = dateOfDayNumber(day);
    const weekday = (((day + 4) % 7) + 7) % 7;
    const weekend = weekday === 0 || weekday === 6;
    const { work, name } = chineseDays.getDayDetail(date);
    if (work && weekend) workdays.push(date);
    // Weekend holidays are kept too (harmless for arithmetic, useful for showing the calendar).
    else if (!work && (!weekend || isHolidayName(name))) holidays.push(date);
  }
  return withOverrides({ holidays, workdays, utcOffsetMinutes: CHINA_UTC_OFFSET_MINUTES }, overrides);
}

// getDayDetail names plain weekends by weekday ("Saturday"); a statutory holiday carries "English,中文,n".
function isHolidayName(name: string): boolean {
  return name.includes(',');
}
