import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../deps';
import { errorBody, idParams } from '../schemas/errors';
import { pageOf, pageQuery } from '../schemas/pagination';
import { changeDepartment, createDepartment, listDepartmentsPage } from '../services/organisation/departments';

const department = z.object({
  id: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  parentId: z.string().nullable(),
  /** The department's responsible leader (分管领导). */
  leaderUserId: z.string().nullable(),
  createdAt: z.string(),
});

const departmentInput = z.object({
  name: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().max(200).nullable().optional(),
  parentId: z.uuid().nullable().optional(),
  leaderUserId: z.uuid().nullable().optional(),
});

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 422: errorBody };

export function departmentRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/departments',
      {
        config: { access: 'user' },
        schema: { tags: ['organisation'], summary: 'Departments', querystring: pageQuery.extend({ q: z.string().max(100).optional() }), response: { 200: pageOf(department), ...errors } },
      },
      async (request) => listDepartmentsPage(deps, request.query),
    );
    app.post(
      '/api/departments',
      { config: { access: ['admin'] }, schema: { tags: ['organisation'], summary: 'Create a department', body: departmentInput.strict(), response: { 201: department, ...errors } } },
      async (request, reply) => reply.code(201).send(await createDepartment(deps, request.body)),
    );
    app.patch(
      '/api/departments/:id',
      {
        config: { access: ['admin'] },
        schema: { tags: ['organisation'], summary: 'Change a department', params: idParams, body: departmentInput.partial().strict(), response: { 200: department, ...errors } },
      },
      async (request) => changeDepartment(deps, request.params.id, request.body),
    );
  };
}
