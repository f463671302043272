import { listAuditEntries, type AuditFilter } from '../../../db/queries/audit-log';
import type { ApiDeps } from '../../deps';
import { pageWindow, type PageQuery } from '../../schemas/pagination';

export async function listAuditLogPage(deps: Pick<ApiDeps, 'database'>, query: PageQuery & AuditFilter) {
  const { rows, total } = await listAuditEntries(deps.database.db, query, pageWindow(query));
  return { items: rows.map((row) => ({ ...row, at: row.at.toISOString() })), total, page: query.page, pageSize: query.pageSize };
}
