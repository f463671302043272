/** The one error type of the API, and the one table mapping its codes to HTTP statuses. */
export const errorStatus = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  /** The account's password was set by an admin: only /api/me, /api/me/password and logout answer until it is changed. */
  password_change_required: 403,
  not_found: 404,
  wrong_state: 409,
  conflict: 409,
  rule_violation: 422,
  /** An upload over a size limit (per file or per item). */
  payload_too_large: 413,
  /** An upload whose content is not an accepted type, or does not match its name or claimed type. */
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return errorStatus[this.code];
  }

  /** Fastify's convention: error handlers of plugins we do not own (e.g. Bull Board's) answer with it. */
  get statusCode(): number {
    return this.status;
  }
}

/**
 * A refusal naming one field, worded in English and Chinese: `details.fields[0]` carries both, and
 * `details.messageZh` words the whole answer, so a form in either language explains itself.
 */
export function fieldError(code: ErrorCode, field: string, message: string, messageZh: string, summary: string = message): AppError {
  return new AppError(code, summary, { fields: [{ field, message, messageZh }], messageZh });
}

/** The business rule a form broke, named at its field (422). */
export function ruleRefusal(field: string, message: string, messageZh: string): AppError {
  return fieldError('rule_violation', field, message, messageZh);
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
