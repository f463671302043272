// GET /api/reports/dashboard.xlsx: the standing book as a workbook — a totals sheet and one sheet
// per kind, Chinese headers, counts as integers and the on-time rate as a percentage.
import ExcelJS from 'exceljs';
import { METRICS } from '../../../db/queries/dashboard';
import type { Dashboard, RowFigures, Section } from '../dashboard/standing-book';
import { METRIC_LABELS } from '../dashboard/standing-book';

const COLUMNS = [...METRICS, 'onTimeRate', 'accountability'] as const;
const LABELS = { ...METRIC_LABELS, accountability: '问责' };

function china(iso: string | null): string {
  return iso ? new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ') : '';
}

function describe(d: Dashboard): string {
  const period = d.from || d.to ? `${china(d.from) || '…'} 至 ${china(d.to) || '…'}` : '全部';
  const asOf = d.asOf ? `；截至 ${china(d.asOf)} 的状态` : '';
  return `按${d.dateFieldLabel}统计：${period}${asOf}；生成于 ${china(d.generatedAt)}（北京时间）`;
}

function sheet(workbook: ExcelJS.Workbook, name: string, title: string, d: Dashboard, section: Section): void {
  const ws = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 3, xSplit: 1 }] });
  ws.columns = [{ key: 'department', width: 28 }, ...COLUMNS.map((key) => ({ key, width: key === 'onTimeRate' ? 14 : 12 }))];
  ws.mergeCells(1, 1, 1, COLUMNS.length + 1);
  ws.getCell(1, 1).value = title;
  ws.getCell(1, 1).font = { bold: true, size: 14 };
  ws.mergeCells(2, 1, 2, COLUMNS.length + 1);
  ws.getCell(2, 1).value = describe(d);
  ws.getCell(2, 1).font = { size: 10, color: { argb: 'FF666666' } };
  const header = ws.getRow(3);
  header.values = ['承办单位', ...COLUMNS.map((c) => LABELS[c])];
  header.font = { bold: true };
  header.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE6F0' } };
    cell.border = { bottom: { style: 'thin' } };
  });
  const add = (label: string, f: RowFigures, bold = false) => {
    const row = ws.addRow({ department: label, ...Object.fromEntries(COLUMNS.map((c) => [c, f[c]])) });
    if (bold) row.font = { bold: true };
  };
  for (const r of section.departments) add(r.departmentName ?? r.departmentId, r);
  add('合计', section.totals, true);
  for (let c = 2; c <= METRICS.length + 1; c++) ws.getColumn(c).numFmt = '#,##0';
  ws.getColumn(METRICS.length + 2).numFmt = '0.0%';
  ws.getColumn(COLUMNS.length + 1).numFmt = '#,##0';
  ws.autoFilter = { from: { row: 3, column: 1 }, to: { row: 3, column: COLUMNS.length + 1 } };
}

export async function dashboardWorkbook(d: Dashboard): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '督查督办平台';
  workbook.created = new Date(d.generatedAt);
  sheet(workbook, '总计', '督查台账（总计）', d, d);
  for (const k of d.kinds) sheet(workbook, k.label, `督查台账（${k.label}）`, d, k);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
