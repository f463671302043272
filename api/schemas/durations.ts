/** ISO-8601 durations in request bodies: positive, at most ten years; report cadences at least a minute. */
import { z } from 'zod';
import { MAX_HORIZON_MS, MIN_REPORT_CADENCE_MS, parseDuration } from '../../domain/durations';
import { ownMessages } from '../validation-messages';

function isDurationBetween(value: string, min: number): boolean {
  try {
    const ms = parseDuration(value);
    return ms >= min && ms <= MAX_HORIZON_MS;
  } catch {
    return false;
  }
}

export const durationString = z.string().max(40).refine((v) => isDurationBetween(v, 1), ownMessages.duration.en);
export const reportCadenceString = z
  .string()
  .max(40)
  .refine((v) => isDurationBetween(v, MIN_REPORT_CADENCE_MS), ownMessages.reportCadence.en);
