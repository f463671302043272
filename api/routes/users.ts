import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';
import { errorBody, idParams } from '../schemas/errors';
import { pageOf, pageQuery } from '../schemas/pagination';
import { roleSchema, userSchema, usernameSchema } from '../schemas/users';
import { MIN_PASSWORD_LENGTH } from '../services/auth/passwords';
import { ownMessages } from '../validation-messages';
import { changeUser, createUser, listLeaders, listUsersPage } from '../services/organisation/users';

const password = z.string().min(MIN_PASSWORD_LENGTH).max(200);
const displayName = z.string().trim().min(1).max(100);
/** A mainland mobile (SMS goes to mobiles only); null removes it. */
const phone = z.string().trim().regex(/^(?:\+?86)?1[3-9]\d{9}$/, ownMessages.mobile.en).nullable();
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 422: errorBody };

export function userRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/users',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['organisation'],
          summary: 'Users',
          querystring: pageQuery.extend({ role: roleSchema.optional(), departmentId: z.uuid().optional(), q: z.string().max(100).optional() }),
          response: { 200: pageOf(userSchema), ...errors },
        },
      },
      async (request) => listUsersPage(deps, request.query),
    );
    app.get(
      '/api/leaders',
      {
        // Who may issue an item: the launch form's picker, so supervisors need not know user ids.
        config: { access: 'user' },
        schema: {
          tags: ['organisation'],
          summary: 'Leaders (id and name): the issuers an item can name',
          response: { 200: z.object({ items: z.array(z.object({ id: z.uuid(), displayName: z.string(), phone: z.string().nullable() })) }), ...errors },
        },
      },
      async (request) => listLeaders(deps, requireUser(request)),
    );
    app.post(
      '/api/users',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['organisation'],
          summary: 'Create a user (must change the password at first login)',
          body: z.object({ username: usernameSchema, displayName, role: roleSchema, departmentId: z.uuid().nullable().optional(), password, phone: phone.optional() }).strict(),
          response: { 201: userSchema, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await createUser(deps, request.body)),
    );
    app.patch(
      '/api/users/:id',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['organisation'],
          summary: 'Change a user; a new password, role or lock ends their sessions',
          params: idParams,
          body: z.object({ displayName, role: roleSchema, departmentId: z.uuid().nullable(), password, disabled: z.boolean(), phone }).partial().strict(),
          response: { 200: userSchema, ...errors },
        },
      },
      async (request) => changeUser(deps, request.params.id, request.body, requireUser(request)),
    );
  };
}
