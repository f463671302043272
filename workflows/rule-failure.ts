// How a refused action reaches the caller: an ApplicationFailure whose `type` is the violation code
// (wrong_state → 409, forbidden → 403, rule_violation → 422) and whose details hold the violation.
import { ApplicationFailure } from '@temporalio/workflow';
import type { RuleViolation } from '../domain';

export function ruleFailure(violation: RuleViolation): ApplicationFailure {
  return ApplicationFailure.create({
    message: violation.message,
    type: violation.code,
    nonRetryable: true,
    details: [violation],
  });
}

/**
 * Anything thrown inside an Update handler must be a TemporalFailure, or the workflow task fails and
 * retries forever; an unexpected error is turned into a non-retryable `internal` failure.
 */
export function asFailure(error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  return ApplicationFailure.create({ message, type: 'internal', nonRetryable: true });
}

/** Validators see raw payloads: refuse a malformed one with a readable reason instead of a TypeError. */
export function malformed(message: string): RuleViolation {
  return { code: 'rule_violation', message, messageZh: '请求格式不正确' };
}
