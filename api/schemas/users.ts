import { z } from 'zod';
import { roles } from '../../db/schema/org';
import { ownMessages } from '../validation-messages';

export const roleSchema = z.enum(roles);

export const sessionUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  departmentId: z.string().nullable(),
  mustChangePassword: z.boolean(),
});

export const userSchema = sessionUserSchema.extend({
  /** Mobile for SMS; masked (138****1234) for readers who need not call (domain staffPhoneFor). */
  phone: z.string().nullable(),
  disabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const usernameSchema = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, ownMessages.username.en);
