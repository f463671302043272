import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';
import { dashboardQuery } from '../schemas/dashboard';
import { idParams } from '../schemas/errors';
import { getDashboard } from '../services/dashboard/standing-book';
import { dashboardWorkbook } from '../services/exports/standing-book-xlsx';
import { buildDossier } from '../services/exports/dossier';

const readers = ['leader', 'supervisor', 'auditor'] as const;

/** Downloads: the dashboard as a workbook and one item's dossier as PDF (both audited reads). */
export function reportRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/reports/dashboard.xlsx',
      {
        config: { access: readers, auditRead: true },
        schema: { tags: ['reports'], summary: 'The standing book as .xlsx: a totals sheet and one sheet per kind (same filters as /api/dashboard)', querystring: dashboardQuery },
      },
      async (request, reply) => {
        const bytes = await dashboardWorkbook(await getDashboard(deps, request.query));
        return reply
          .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="dashboard.xlsx"; filename*=UTF-8''${encodeURIComponent('督查台账.xlsx')}`)
          .send(bytes);
      },
    );
    app.get(
      '/api/items/:id/dossier.pdf',
      {
        config: { access: readers, auditRead: true },
        schema: { tags: ['reports'], summary: 'The electronic dossier of one item (cover, contents, item, tasks, timeline, appendix)', params: idParams },
      },
      async (request, reply) => {
        const { bytes, fileName } = await buildDossier(deps, requireUser(request), request.params.id);
        return reply.header('content-type', 'application/pdf').header('content-disposition', `attachment; filename="${fileName}"`).send(bytes);
      },
    );
  };
}
