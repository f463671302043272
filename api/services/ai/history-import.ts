import { randomUUID } from 'node:crypto';
import { parseCsv, parseJsonl, type RowError } from '../../../assist/history-file';
import { departmentLookup, historyCount, insertHistory } from '../../../db/queries/ai';
import type { SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { fieldError } from '../../errors';

export interface HistoryImport {
  format: 'csv' | 'jsonl';
  /** The file's text: JSONL, or CSV with a header row (`title`, `text`, `department`; optionally `endorsements` or `likes`, and `time`). */
  content: string;
}

function rowRefusal(error: RowError) {
  return fieldError(
    'rule_violation',
    'body.content',
    `row ${error.row}, field ${error.field}: ${error.message}; nothing was imported`,
    `第 ${error.row} 行，字段 ${error.field}：${error.messageZh}；未导入任何记录`,
  );
}

/**
 * Imports past work orders as training history, all or nothing: the first bad row (malformed, or
 * naming a department the platform does not know) is named with its field, and no row is kept.
 */
export async function importHistory(deps: ApiDeps, user: SessionUser, file: HistoryImport): Promise<{ importId: string; rows: number; totalHistory: number }> {
  const db = deps.database.db;
  const parsed = file.format === 'csv' ? await parseCsv(file.content) : parseJsonl(file.content);
  if (!parsed.ok) throw rowRefusal(parsed.error);
  if (parsed.rows.length === 0) throw rowRefusal({ row: 1, field: 'text', message: 'the file holds no rows', messageZh: '文件中没有记录' });
  const lookup = await departmentLookup(db);
  const importId = randomUUID();
  const rows: Array<Parameters<typeof insertHistory>[1][number]> = [];
  for (const [i, row] of parsed.rows.entries()) {
    const departmentId = lookup.get(row.department);
    if (!departmentId) throw rowRefusal({ row: i + 1, field: 'department', message: `no department is named “${row.department.slice(0, 50)}”`, messageZh: `没有名为“${row.department.slice(0, 50)}”的部门` });
    rows.push({ importId, title: row.title, text: row.text, departmentId, importedBy: user.id, endorsements: row.endorsements ?? 0, filedAt: row.at ?? null });
  }
  await db.transaction(async (tx) => insertHistory(tx, rows));
  return { importId, rows: rows.length, totalHistory: await historyCount(db) };
}
