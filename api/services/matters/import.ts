// Importing the catalogue from a spreadsheet (xlsx, or CSV with a header row), all or nothing: the
// first bad row is named with its field and no matter is written; a known code is updated, a new one
// created, all in one transaction.
import { parseString } from '@fast-csv/parse';
import ExcelJS from 'exceljs';
import { departmentLookup } from '../../../db/queries/ai';
import { upsertMatters } from '../../../db/queries/matters';
import { checkMatterImport, matterColumnsOf, type MatterRecord, type MatterRowError } from '../../../domain/matters';
import type { SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { fieldError } from '../../errors';

type Deps = Pick<ApiDeps, 'database'>;

/** More rows than a department's catalogue ever holds (Zhejiang's largest bureau lists under a thousand). */
export const MAX_IMPORT_ROWS = 10_000;

function rowRefusal(error: MatterRowError) {
  return fieldError(
    'validation_failed',
    'body.file',
    `row ${error.row}, field ${error.field}: ${error.message}; nothing was imported`,
    `第 ${error.row} 行，${error.messageZh}；未导入任何事项`,
  );
}

const unreadable = () => fieldError('validation_failed', 'body.file', 'not a readable xlsx or CSV file', '无法读取该文件：须为 xlsx 或 CSV');
const tooMany = () => fieldError('validation_failed', 'body.file', `more than ${MAX_IMPORT_ROWS} rows`, `超过 ${MAX_IMPORT_ROWS} 行`);

/** Header and data rows of a table, blank rows left out (their numbers kept). */
function recordsOf(table: { row: number; cells: string[] }[]): MatterRecord[] {
  const [header, ...data] = table;
  if (!header) return [];
  const columns = matterColumnsOf(header.cells);
  if (!columns.ok) throw rowRefusal(columns.error);
  if (data.length > MAX_IMPORT_ROWS) throw tooMany();
  return data
    .filter((r) => r.cells.some((c) => c.trim() !== ''))
    .map((r) => ({ row: r.row, fields: Object.fromEntries([...columns.columns].map(([i, field]) => [field, r.cells[i] ?? ''])) }));
}

async function xlsxTable(bytes: Buffer): Promise<{ row: number; cells: string[] }[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw unreadable();
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw unreadable();
  if (sheet.rowCount > MAX_IMPORT_ROWS + 1) throw tooMany();
  const table: { row: number; cells: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let c = 1; c <= sheet.columnCount; c += 1) cells.push(row.getCell(c).text ?? '');
    table.push({ row: rowNumber, cells });
  });
  return table;
}

function csvTable(text: string): Promise<{ row: number; cells: string[] }[]> {
  return new Promise((resolve, reject) => {
    const table: { row: number; cells: string[] }[] = [];
    parseString(text.replace(/^\uFEFF/, ''), { headers: false, ignoreEmpty: false, trim: true, maxRows: MAX_IMPORT_ROWS + 2 })
      .on('error', () => reject(unreadable()))
      .on('data', (cells: string[]) => table.push({ row: table.length + 1, cells }))
      .on('end', () => resolve(table));
  });
}

const isZip = (bytes: Buffer) => bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b;

export async function importMatters(deps: Deps, user: SessionUser, bytes: Buffer): Promise<{ rows: number; created: number; updated: number }> {
  const db = deps.database.db;
  const table = isZip(bytes) ? await xlsxTable(bytes) : await csvTable(bytes.toString('utf8'));
  const checked = checkMatterImport(recordsOf(table), await departmentLookup(db));
  if (!checked.ok) throw rowRefusal(checked.error);
  const counts = await db.transaction((tx) => upsertMatters(tx, checked.matters, user.id));
  return { rows: checked.matters.length, ...counts };
}
