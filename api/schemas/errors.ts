import { z } from 'zod';

/** `{error: {code, message, details?}}`, declared on routes so /docs shows it. */
export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

export const idParams = z.object({ id: z.uuid() });
