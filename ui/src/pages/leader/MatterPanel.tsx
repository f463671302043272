/** The standing book by supervision matter: items, open, red, done and on-time rate per matter, filterable by responsible department. */
import { useQuery } from '@tanstack/react-query';
import { Card, Select, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, qs } from '../../api/client';
import { keys } from '../../api/keys';
import { useDepartments } from '../../api/queries';
import type { ItemKind } from '../../api/types';
import { ErrorAlert } from '../../components/PageContainer';

interface MatterFigures {
  matterId: string;
  code: string;
  name: string;
  departmentId: string;
  departmentName: string | null;
  items: number;
  open: number;
  red: number;
  done: number;
  onTimeRate: number | null;
}

const percent = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`);

export function MatterPanel({ asOf, kind }: { asOf?: string; kind?: ItemKind }) {
  const { t } = useTranslation('matters');
  const departments = useDepartments();
  const [departmentId, setDepartmentId] = useState<string | undefined>();
  const figures = useQuery({
    queryKey: [...keys.dashboard, 'matters', { asOf, kind, departmentId }],
    queryFn: ({ signal }) => get<{ matters: MatterFigures[] }>(`/api/dashboard/matters${qs({ asOf, kind, departmentId })}`, signal),
    placeholderData: (previous) => previous,
  });
  const number = (key: 'items' | 'open' | 'red' | 'done') => ({ title: t(`byMatter.${key}`), dataIndex: key, key, align: 'right' as const, sorter: (a: MatterFigures, b: MatterFigures) => a[key] - b[key] });
  const columns: TableColumnsType<MatterFigures> = [
    {
      title: t('matter'),
      key: 'matter',
      width: 220,
      render: (_, m) => (
        <span className="wrap-anywhere">
          {m.name}
          <br />
          <Typography.Text type="secondary">{m.code}</Typography.Text>
        </span>
      ),
    },
    { title: t('department'), dataIndex: 'departmentName', key: 'department', responsive: ['md'] },
    number('items'),
    number('open'),
    { ...number('red'), render: (v: number) => (v > 0 ? <span style={{ color: '#cf1322', fontWeight: 600 }}>{v}</span> : v) },
    number('done'),
    { title: t('byMatter.onTimeRate'), dataIndex: 'onTimeRate', key: 'onTimeRate', align: 'right', render: percent },
  ];
  return (
    <Card size="small" title={t('byMatter.title')} className="matter-panel" style={{ marginTop: 16 }} extra={
      <Select
        allowClear
        showSearch
        optionFilterProp="label"
        placeholder={t('allDepartments')}
        aria-label={t('department')}
        value={departmentId}
        onChange={(v: string | undefined) => setDepartmentId(v)}
        options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
        style={{ minWidth: 160, maxWidth: 220 }}
      />
    }>
      {figures.error ? <ErrorAlert error={figures.error} /> : null}
      <Table<MatterFigures>
        rowKey="matterId"
        size="small"
        loading={figures.isFetching}
        columns={columns}
        dataSource={figures.data?.matters ?? []}
        locale={{ emptyText: t('byMatter.empty') }}
        scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
      />
    </Card>
  );
}
