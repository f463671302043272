// The catalogue of supervision matters (监管事项清单): what a matter must hold, how a spreadsheet's
// columns are read (Chinese or English headers), and the first bad row of an import, named with its
// field. Pure: the department lookup is an argument.

export const MATTER_LEVELS = ['province', 'city', 'county', 'township'] as const;
export type MatterLevel = (typeof MATTER_LEVELS)[number];

export const LEVEL_WORDS: Record<MatterLevel, { zh: string; en: string }> = {
  province: { zh: '省级', en: 'province' },
  city: { zh: '市级', en: 'city' },
  county: { zh: '县级', en: 'county' },
  township: { zh: '乡镇级', en: 'township' },
};

export const MATTER_FIELDS = ['code', 'name', 'department', 'level', 'object', 'legalBasis', 'process', 'expectedResult'] as const;
export type MatterField = (typeof MATTER_FIELDS)[number];

/** Each field's longest text; the code is letters, digits and `._-/`. */
export const MATTER_LIMITS: Record<MatterField, number> = {
  code: 64,
  name: 200,
  department: 200,
  level: 20,
  object: 500,
  legalBasis: 5_000,
  process: 5_000,
  expectedResult: 2_000,
};
export const MATTER_CODE_PATTERN = /^[\p{L}\p{N}._/-]+$/u;

const FIELD_WORDS: Record<MatterField, string> = {
  code: '事项编码',
  name: '事项名称',
  department: '责任单位',
  level: '层级',
  object: '监管对象',
  legalBasis: '设定依据',
  process: '监管流程',
  expectedResult: '预期结果',
};

/** The headers a column may carry, besides the field's own name (case and spaces ignored). */
const HEADER_ALIASES: Record<MatterField, string[]> = {
  code: ['事项编码', '编码', '编号'],
  name: ['事项名称', '名称'],
  department: ['责任单位', '责任部门', '部门', 'departmentid', 'responsibledepartment'],
  level: ['层级', '事项层级', '监管层级'],
  object: ['监管对象', '对象'],
  legalBasis: ['设定依据', '法律依据', '监管依据', '依据', 'legalbasis'],
  process: ['监管流程', '流程'],
  expectedResult: ['预期结果', '监管结果', '结果', 'expectedresult', 'result'],
};

const normalise = (header: string) => header.replace(/[\s_*（）()]/g, '').toLowerCase();
const headerIndex = new Map<string, MatterField>(
  MATTER_FIELDS.flatMap((field) => [normalise(field), ...HEADER_ALIASES[field].map(normalise)].map((h) => [h, field] as [string, MatterField])),
);

/** The field a spreadsheet header names, or undefined for a column the import ignores. */
export function matterFieldOfHeader(header: string): MatterField | undefined {
  return headerIndex.get(normalise(header));
}

/** A level as written: `province`, `省级`, `省` … (case ignored), or undefined. */
export function matterLevelOf(value: string): MatterLevel | undefined {
  const v = value.trim().toLowerCase();
  return MATTER_LEVELS.find((level) => level === v || LEVEL_WORDS[level].zh === v || LEVEL_WORDS[level].zh.replace('级', '') === v);
}

export interface MatterFacts {
  code: string;
  name: string;
  departmentId: string;
  level: MatterLevel;
  object: string | null;
  legalBasis: string | null;
  process: string | null;
  expectedResult: string | null;
}

export interface MatterRowError {
  /** The row as the spreadsheet numbers it: the header is row 1, the first matter row 2. */
  row: number;
  field: MatterField;
  message: string;
  messageZh: string;
}

const REQUIRED: readonly MatterField[] = ['code', 'name', 'department', 'level'];

function problem(row: number, field: MatterField, message: string, messageZh: string): MatterRowError {
  return { row, field, message, messageZh: `${FIELD_WORDS[field]}：${messageZh}` };
}

function textProblem(record: Partial<Record<MatterField, string>>, row: number): MatterRowError | null {
  for (const field of MATTER_FIELDS) {
    const value = record[field]?.trim() ?? '';
    if (REQUIRED.includes(field) && value === '') return problem(row, field, `${field} is required`, '必填');
    if (value.length > MATTER_LIMITS[field]) return problem(row, field, `longer than ${MATTER_LIMITS[field]} characters`, `超过 ${MATTER_LIMITS[field]} 字`);
  }
  if (!MATTER_CODE_PATTERN.test(record.code!.trim())) return problem(row, 'code', 'letters, digits and . _ / - only', '只能含字母、数字和 . _ / -');
  return null;
}

/**
 * One record of an import (field → text), checked: required fields, lengths, the code's characters,
 * a known level, and a department the platform knows (by id, name or English name in `departments`).
 */
export function checkMatterRecord(
  record: Partial<Record<MatterField, string>>,
  row: number,
  departments: ReadonlyMap<string, string>,
): { ok: true; matter: MatterFacts } | { ok: false; error: MatterRowError } {
  const bad = textProblem(record, row);
  if (bad) return { ok: false, error: bad };
  const text = (field: MatterField) => record[field]?.trim() || null;
  const level = matterLevelOf(record.level!);
  if (!level) return { ok: false, error: problem(row, 'level', `one of ${MATTER_LEVELS.join(', ')} (or 省级, 市级, 县级, 乡镇级)`, '须为省级、市级、县级或乡镇级') };
  const departmentName = record.department!.trim();
  const departmentId = departments.get(departmentName);
  if (!departmentId) {
    const shown = departmentName.slice(0, 50);
    return { ok: false, error: problem(row, 'department', `no department is named “${shown}”`, `没有名为“${shown}”的单位`) };
  }
  return {
    ok: true,
    matter: { code: text('code')!, name: text('name')!, departmentId, level, object: text('object'), legalBasis: text('legalBasis'), process: text('process'), expectedResult: text('expectedResult') },
  };
}

/** One data row of a file, as the spreadsheet numbers it (the header is row 1). */
export interface MatterRecord {
  row: number;
  fields: Partial<Record<MatterField, string>>;
}

/**
 * The header row: which column holds which field (unknown columns are ignored); a required field
 * without a column is an error on row 1.
 */
export function matterColumnsOf(headers: readonly string[]): { ok: true; columns: Map<number, MatterField> } | { ok: false; error: MatterRowError } {
  const columns = new Map<number, MatterField>();
  headers.forEach((header, i) => {
    const field = matterFieldOfHeader(header);
    if (field && ![...columns.values()].includes(field)) columns.set(i, field);
  });
  const present = new Set(columns.values());
  const missing = REQUIRED.find((field) => !present.has(field));
  if (missing) return { ok: false, error: problem(1, missing, `no column for ${missing} (header “${missing}” or “${FIELD_WORDS[missing]}”)`, '缺少该列') };
  return { ok: true, columns };
}

/**
 * A whole import, all or nothing: the first bad row (or the second row of a code given twice) is
 * the error, and then no matter is taken.
 */
export function checkMatterImport(
  records: readonly MatterRecord[],
  departments: ReadonlyMap<string, string>,
): { ok: true; matters: MatterFacts[] } | { ok: false; error: MatterRowError } {
  if (records.length === 0) return { ok: false, error: problem(2, 'code', 'the file holds no matters', '文件中没有事项') };
  const matters: MatterFacts[] = [];
  const seen = new Map<string, number>();
  for (const { row, fields } of records) {
    const checked = checkMatterRecord(fields, row, departments);
    if (!checked.ok) return checked;
    const first = seen.get(checked.matter.code);
    if (first !== undefined) return { ok: false, error: problem(row, 'code', `the code is also on row ${first}`, `与第 ${first} 行重复`) };
    seen.set(checked.matter.code, row);
    matters.push(checked.matter);
  }
  return { ok: true, matters };
}

/**
 * Where a signal's verification item goes: a department the signal names wins (the sender knows the
 * case), else the matter's responsible department (the signal's matter, else the rule's), else the
 * rule's department.
 */
export function verificationDepartmentOf(input: { signalDepartmentId?: string | undefined; matterDepartmentId?: string | null | undefined; ruleDepartmentId: string }): string {
  return input.signalDepartmentId ?? input.matterDepartmentId ?? input.ruleDepartmentId;
}
