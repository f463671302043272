import { parseString } from '@fast-csv/parse';

/** One past work order: its text and the department that finally handled it (by name). */
export interface HistoryRow {
  title: string | null;
  text: string;
  department: string;
  /** Endorsements (likes, co-signatures) where the old system knew them: `endorsements` or `likes`. */
  endorsements?: number;
  /** When it was filed (`time` or `createdAt`): a row in a hotspot window counts in its topics. */
  at?: Date;
}

export interface RowError {
  /** 1-based: the line of a JSONL file, the data row of a CSV (its header is row 0). */
  row: number;
  field: string;
  message: string;
  messageZh: string;
}

export type ParsedHistory = { ok: true; rows: HistoryRow[] } | { ok: false; error: RowError };

export const MAX_TEXT = 20_000;

/**
 * A record of an import file: `text` (required), `title` (optional), the department under
 * `department` (or `label`, the shape of the evaluation files), and where known its endorsements and
 * time. The first bad record is named.
 */
function toRow(record: Record<string, unknown>, row: number): HistoryRow | RowError {
  const text = record.text;
  const department = record.department ?? record.label;
  const title = record.title ?? null;
  if (typeof text !== 'string' || text.trim() === '') return { row, field: 'text', message: 'text is required', messageZh: '缺少诉求内容（text）' };
  if (text.length > MAX_TEXT) return { row, field: 'text', message: `text is longer than ${MAX_TEXT} characters`, messageZh: `内容（text）超过 ${MAX_TEXT} 字` };
  if (typeof department !== 'string' || department.trim() === '') return { row, field: 'department', message: 'department is required', messageZh: '缺少办理部门（department）' };
  if (title !== null && typeof title !== 'string') return { row, field: 'title', message: 'title must be text', messageZh: '标题（title）须为文本' };
  const known = knownFacts(record, row);
  if ('field' in known) return known;
  return { title: title?.trim() || null, text: text.trim(), department: department.trim(), ...known };
}

const blank = (value: unknown) => value === undefined || value === null || value === '';

/** The optional columns: endorsements (a whole number ≥ 0) and the time it was filed (a date). */
function knownFacts(record: Record<string, unknown>, row: number): { endorsements?: number; at?: Date } | RowError {
  const facts: { endorsements?: number; at?: Date } = {};
  const field = blank(record.endorsements) ? 'likes' : 'endorsements';
  const endorsements = record[field];
  if (!blank(endorsements)) {
    const n = typeof endorsements === 'number' ? endorsements : typeof endorsements === 'string' && /^\d+$/.test(endorsements.trim()) ? Number(endorsements) : NaN;
    if (!Number.isSafeInteger(n) || n < 0) return { row, field, message: `${field} must be a whole number, 0 or more`, messageZh: `${field} 须为不小于 0 的整数` };
    facts.endorsements = n;
  }
  const timeField = blank(record.time) ? 'createdAt' : 'time';
  const time = record[timeField];
  if (!blank(time)) {
    const at = typeof time === 'string' ? new Date(time) : new Date(NaN);
    if (Number.isNaN(at.getTime())) return { row, field: timeField, message: `${timeField} must be a date and time (ISO 8601)`, messageZh: `${timeField} 须为日期时间（ISO 8601）` };
    facts.at = at;
  }
  return facts;
}

const isError = (value: HistoryRow | RowError): value is RowError => 'field' in value;

/** A JSONL file: one JSON object per non-empty line. */
export function parseJsonl(content: string): ParsedHistory {
  const rows: HistoryRow[] = [];
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      return { ok: false, error: { row: i + 1, field: 'line', message: 'the line is not JSON', messageZh: '该行不是合法的 JSON' } };
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return { ok: false, error: { row: i + 1, field: 'line', message: 'the line is not a JSON object', messageZh: '该行不是 JSON 对象' } };
    const row = toRow(record as Record<string, unknown>, i + 1);
    if (isError(row)) return { ok: false, error: row };
    rows.push(row);
  }
  return { ok: true, rows };
}

/** A CSV file with a header row naming `text`, `department` (or `label`) and optionally `title`, `endorsements` (or `likes`), `time`. */
export async function parseCsv(content: string): Promise<ParsedHistory> {
  const records: Array<Record<string, string>> = [];
  try {
    await new Promise<void>((resolve, reject) => {
      parseString<Record<string, string>, Record<string, string>>(content, { headers: true, strictColumnHandling: true, trim: true })
        .on('data', (record) => records.push(record))
        .on('data-invalid', (_record, rowNumber: number) => reject(new CsvRowError(rowNumber)))
        .on('error', reject)
        .on('end', () => resolve());
    });
  } catch (error) {
    const row = error instanceof CsvRowError ? error.row : records.length + 1;
    return { ok: false, error: { row, field: 'columns', message: 'the row does not have the header’s columns', messageZh: '该行的列数与表头不符' } };
  }
  const rows: HistoryRow[] = [];
  for (const [i, record] of records.entries()) {
    const row = toRow(record, i + 1);
    if (isError(row)) return { ok: false, error: row };
    rows.push(row);
  }
  return { ok: true, rows };
}

class CsvRowError extends Error {
  constructor(readonly row: number) {
    super(`row ${row}`);
  }
}
