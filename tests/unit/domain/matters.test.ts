import { describe, expect, it } from 'vitest';
import { checkMatterImport, checkMatterRecord, matterColumnsOf, matterFieldOfHeader, matterLevelOf, verificationDepartmentOf } from '../../../domain/matters';

const departments = new Map([
  ['市场监管局', 'dept-market'],
  ['Market Regulation', 'dept-market'],
]);
const record = (overrides: Record<string, string> = {}) => ({ code: 'SC-001', name: '食品安全监督检查', department: '市场监管局', level: '市级', ...overrides });

describe('supervision matters', () => {
  it('reads Chinese and English headers, ignoring unknown columns', () => {
    expect(matterFieldOfHeader('事项编码')).toBe('code');
    expect(matterFieldOfHeader(' Legal Basis ')).toBe('legalBasis');
    expect(matterFieldOfHeader('责任单位')).toBe('department');
    expect(matterFieldOfHeader('备注')).toBeUndefined();
    const columns = matterColumnsOf(['备注', '事项编码', '事项名称', '责任单位', '层级']);
    expect(columns.ok && [...columns.columns]).toEqual([[1, 'code'], [2, 'name'], [3, 'department'], [4, 'level']]);
    expect(matterColumnsOf(['事项编码', '事项名称', '层级'])).toMatchObject({ ok: false, error: { row: 1, field: 'department' } });
  });

  it('reads a level in either language', () => {
    expect(matterLevelOf('省级')).toBe('province');
    expect(matterLevelOf('县')).toBe('county');
    expect(matterLevelOf('Township')).toBe('township');
    expect(matterLevelOf('星级')).toBeUndefined();
  });

  it('checks one record: required fields, code characters, level, department', () => {
    expect(checkMatterRecord(record(), 2, departments)).toEqual({
      ok: true,
      matter: { code: 'SC-001', name: '食品安全监督检查', departmentId: 'dept-market', level: 'city', object: null, legalBasis: null, process: null, expectedResult: null },
    });
    expect(checkMatterRecord(record({ name: ' ' }), 4, departments)).toMatchObject({ ok: false, error: { row: 4, field: 'name' } });
    expect(checkMatterRecord(record({ code: 'a b' }), 2, departments)).toMatchObject({ ok: false, error: { field: 'code' } });
    expect(checkMatterRecord(record({ level: '星级' }), 2, departments)).toMatchObject({ ok: false, error: { field: 'level', messageZh: expect.stringContaining('层级') } });
    expect(checkMatterRecord(record({ department: '不存在局' }), 2, departments)).toMatchObject({ ok: false, error: { field: 'department' } });
    expect(checkMatterRecord(record({ object: 'x'.repeat(501) }), 2, departments)).toMatchObject({ ok: false, error: { field: 'object' } });
  });

  it('takes a whole import or nothing, naming the first bad row, and a code given twice', () => {
    const good = { row: 2, fields: record() };
    expect(checkMatterImport([good, { row: 3, fields: record({ code: 'SC-002', department: 'Market Regulation' }) }], departments)).toMatchObject({ ok: true, matters: [{ code: 'SC-001' }, { code: 'SC-002' }] });
    expect(checkMatterImport([good, { row: 3, fields: record({ level: '' }) }], departments)).toMatchObject({ ok: false, error: { row: 3, field: 'level' } });
    expect(checkMatterImport([good, { row: 5, fields: record() }], departments)).toMatchObject({ ok: false, error: { row: 5, field: 'code', message: expect.stringContaining('row 2') } });
    expect(checkMatterImport([], departments)).toMatchObject({ ok: false });
  });

  it('sends a verification item to the signal’s department, else the matter’s, else the rule’s', () => {
    expect(verificationDepartmentOf({ signalDepartmentId: 's', matterDepartmentId: 'm', ruleDepartmentId: 'r' })).toBe('s');
    expect(verificationDepartmentOf({ matterDepartmentId: 'm', ruleDepartmentId: 'r' })).toBe('m');
    expect(verificationDepartmentOf({ matterDepartmentId: null, ruleDepartmentId: 'r' })).toBe('r');
  });
});
