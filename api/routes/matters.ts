import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Role } from '../../db/schema/org';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';
import { fieldError } from '../errors';
import { errorBody, idParams } from '../schemas/errors';
import { matterBody, matterFiguresQuery, matterFiguresSchema, matterImportAnswer, matterListQuery, matterPage, matterPatch, matterSchema } from '../schemas/matters';
import { getMatterFigures } from '../services/dashboard/matters';
import { changeMatter, createMatter, getMatter, listMatterPage, removeMatter } from '../services/matters/catalogue';
import { importMatters } from '../services/matters/import';
import { DASHBOARD_READERS } from './dashboard';

const tags = ['matters'];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 413: errorBody, 415: errorBody, 422: errorBody };
const readers = { access: ['admin', 'supervisor', 'leader', 'operator'] as Role[] };
const writers = { access: ['admin'] as Role[] };
const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

/** The catalogue of supervision matters (监管事项清单): admins write, the supervision office reads. */
export function matterRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(multipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 5, parts: 6, fieldSize: 1024 } });

    app.get(
      '/api/matters',
      { config: readers, schema: { tags, summary: 'The catalogue of supervision matters, by code', querystring: matterListQuery, response: { 200: matterPage, ...errors } } },
      async (request) => listMatterPage(deps, request.query),
    );
    app.get(
      '/api/matters/:id',
      { config: readers, schema: { tags, summary: 'One supervision matter', params: idParams, response: { 200: matterSchema, ...errors } } },
      async (request) => getMatter(deps, request.params.id),
    );
    app.post(
      '/api/matters',
      { config: writers, schema: { tags, summary: 'Add a matter (409 on body.code when the code is taken)', body: matterBody, response: { 201: matterSchema, ...errors } } },
      async (request, reply) => reply.code(201).send(await createMatter(deps, requireUser(request), request.body)),
    );
    app.patch(
      '/api/matters/:id',
      { config: writers, schema: { tags, summary: 'Change the fields named', params: idParams, body: matterPatch, response: { 200: matterSchema, ...errors } } },
      async (request) => changeMatter(deps, requireUser(request), request.params.id, request.body),
    );
    app.delete(
      '/api/matters/:id',
      {
        config: writers,
        schema: { tags, summary: 'Remove a matter no item is tied to (409 otherwise); rules and appeals naming it forget it', params: idParams, response: { 204: z.null(), ...errors } },
      },
      async (request, reply) => {
        await removeMatter(deps, request.params.id);
        return reply.code(204).send(null);
      },
    );
    app.post(
      '/api/matters/import',
      {
        config: writers,
        schema: {
          tags,
          summary:
            'Import the catalogue (multipart, one xlsx or CSV file in the part `file`; header row: code/事项编码, name/事项名称, department/责任单位, level/层级, object/监管对象, legalBasis/设定依据, process/监管流程, expectedResult/预期结果). All or nothing: a bad row is a 400 naming its row and field. A known code is updated.',
          consumes: ['multipart/form-data'],
          response: { 200: matterImportAnswer, ...errors },
        },
      },
      async (request) => {
        const user = requireUser(request);
        if (!request.isMultipart()) throw fieldError('unsupported_media_type', 'body', 'send the file as multipart/form-data', '请以 multipart/form-data 上传文件');
        return importMatters(deps, user, await readImportFile(request));
      },
    );
    app.get(
      '/api/dashboard/matters',
      {
        config: { access: DASHBOARD_READERS },
        schema: {
          tags: ['dashboard'],
          summary: 'The standing book by matter: items, open, red, done and on-time rate per matter (departmentId: the matters’ responsible departments)',
          querystring: matterFiguresQuery,
          response: { 200: matterFiguresSchema, ...errors },
        },
      },
      async (request) => getMatterFigures(deps, request.query),
    );
  };
}

/** The one file of the import, in memory up to the limit; a malformed body is a 400 on body.file. */
async function readImportFile(request: FastifyRequest): Promise<Buffer> {
  const malformed = () => fieldError('validation_failed', 'body.file', 'the multipart body is malformed', 'multipart 请求体格式有误');
  let part;
  try {
    part = await request.file();
  } catch {
    throw malformed();
  }
  if (!part || part.fieldname !== 'file') throw fieldError('validation_failed', 'body.file', 'one file in the part "file" is required', '须在 file 字段中上传一个文件');
  try {
    return await part.toBuffer();
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw fieldError('payload_too_large', 'body.file', `larger than ${MAX_IMPORT_BYTES} bytes`, `文件超过 ${MAX_IMPORT_BYTES} 字节`);
    throw malformed();
  }
}
