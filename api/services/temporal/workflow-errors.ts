// Turns what Temporal answers to an Update (or a start) into the API's one error type.
// The engine rejects an action with ApplicationFailure(type = violation code, details = [violation]).
import { isGrpcServiceError, ServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { RuleViolation } from '../../../domain/types';
import { AppError } from '../../errors';
import { wasNeverProcessed } from './deliver-update';

const VIOLATION_CODES = new Set(['wrong_state', 'forbidden', 'rule_violation', 'invalid_input']);
type RefusalType = 'wrong_state' | 'forbidden' | 'rule_violation' | 'invalid_input';

function violationOf(failure: ApplicationFailure): Partial<RuleViolation> {
  const first = failure.details?.[0];
  return typeof first === 'object' && first !== null ? (first as Partial<RuleViolation>) : {};
}

/** An AppError for a refused Update: 409 wrong state, 403 forbidden, 422 rule violation, 400 unholdable text. */
export function appErrorOfRefusal(failure: ApplicationFailure & { type: RefusalType }): AppError {
  const violation = violationOf(failure);
  const code = failure.type === 'invalid_input' ? 'validation_failed' : failure.type;
  const message = violation.message ?? failure.message;
  const details: Record<string, unknown> = {};
  if (violation.messageZh) details.messageZh = violation.messageZh;
  if (violation.field) details.fields = [{ field: `body.${violation.field}`, message, ...(violation.messageZh ? { messageZh: violation.messageZh } : {}) }];
  return new AppError(code, message, Object.keys(details).length ? details : undefined);
}

/**
 * Maps an error thrown by executeUpdate (anything unrecognised is returned as it is). `closedMessage` explains a workflow that has already
 * ended (the record is finished: a wrong state for any action, never a 500).
 */
export function appErrorOfUpdate(error: unknown, closedMessage: string): unknown {
  if (error instanceof AppError) return error;
  if (
    error instanceof WorkflowUpdateFailedError &&
    error.cause instanceof ApplicationFailure &&
    VIOLATION_CODES.has(error.cause.type ?? '')
  ) {
    return appErrorOfRefusal(error.cause as ApplicationFailure & { type: RefusalType });
  }
  if (error instanceof WorkflowNotFoundError) return new AppError('wrong_state', closedMessage);
  if (isGrpcServiceError(error) && /already completed|not found/i.test(error.details ?? error.message)) {
    return new AppError('wrong_state', closedMessage);
  }
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || wasNeverProcessed(error)) {
    return new AppError('unavailable', 'The workflow did not answer in time; retry with the same Idempotency-Key.');
  }
  // ServiceError: the client's wrapper when the server cannot be reached (e.g. "Failed to start Workflow").
  if (isGrpcServiceError(error) || error instanceof ServiceError)
    return new AppError('unavailable', 'The workflow engine could not be reached; retry with the same Idempotency-Key.');
  return error; // a bug of ours: the error handler logs it and answers 500
}
