/**
 * The hotline's figures per department (诉求办理): appeals, satisfaction, contact within the window,
 * first-dispatch accuracy, handling time, reopenings and returns. Shown only where the period has appeals.
 */
import { Card, Table, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatPercent } from '../../lib/format';
import type { DepartmentFigures } from './types';

type Rate = 'satisfactionRate' | 'contacted24hRate' | 'firstDispatchRate' | 'reopenRate';
const RATES: Rate[] = ['satisfactionRate', 'contacted24hRate', 'firstDispatchRate', 'reopenRate'];

export function AppealsPanel({ departments }: { departments: DepartmentFigures[] }) {
  const { t } = useTranslation('leader');
  const rows = departments.filter((d) => (d.appeals ?? 0) > 0 || (d.returned ?? 0) > 0);
  if (rows.length === 0) return null;
  const rate = (key: Rate) => ({
    title: t(`appeals.${key}`),
    dataIndex: key,
    key,
    align: 'right' as const,
    sorter: (a: DepartmentFigures, b: DepartmentFigures) => (a[key] ?? -1) - (b[key] ?? -1),
    render: (value: number | null | undefined) => formatPercent(value ?? null),
  });
  const columns: TableColumnsType<DepartmentFigures> = [
    { title: t('department'), dataIndex: 'departmentName', key: 'name', fixed: 'left', width: 160, render: (name: string | null, row) => <span className="wrap-anywhere">{name ?? row.departmentId}</span> },
    { title: t('appeals.appeals'), dataIndex: 'appeals', key: 'appeals', align: 'right', sorter: (a, b) => (a.appeals ?? 0) - (b.appeals ?? 0), render: (n?: number) => n ?? 0 },
    ...RATES.map(rate),
    {
      title: t('appeals.avgHandlingHours'),
      dataIndex: 'avgHandlingHours',
      key: 'avgHandlingHours',
      align: 'right',
      sorter: (a, b) => (a.avgHandlingHours ?? -1) - (b.avgHandlingHours ?? -1),
      render: (h?: number | null) => (h === null || h === undefined ? '—' : t('appeals.hours', { h })),
    },
    { title: t('appeals.returned'), dataIndex: 'returned', key: 'returned', align: 'right', sorter: (a, b) => (a.returned ?? 0) - (b.returned ?? 0), render: (n?: number) => n ?? 0 },
  ];
  return (
    <Card size="small" className="book-table" title={t('appeals.title')} data-testid="appeal-figures">
      <Table<DepartmentFigures> rowKey="departmentId" size="small" columns={columns} dataSource={rows} pagination={false} scroll={{ x: 'max-content' }} />
    </Card>
  );
}
