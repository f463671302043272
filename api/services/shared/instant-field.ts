// A form's ISO instant → epoch ms, or a 400 naming the field.
import { InstantError, toInstant, type Instant } from '../../../domain';
import { fieldError } from '../../errors';

// Date.parse quietly rolls 2027-02-30 over into March; a form with it is wrong, not "2 March".
function isRealCalendarDate(value: string): boolean {
  const [y, m, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function instantField(value: string, field: string): Instant {
  try {
    const ms = toInstant(value);
    if (!isRealCalendarDate(value)) throw new InstantError(`"${value}" is not a real date`);
    return ms;
  } catch (error) {
    if (error instanceof InstantError) {
      throw fieldError(
        'validation_failed',
        field,
        error.message,
        `不是有效的带时区时刻（如 2026-12-31T10:00:00Z）：${value}`,
        `${field}: ${error.message}`,
      );
    }
    throw error;
  }
}
