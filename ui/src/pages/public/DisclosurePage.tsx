/**
 * 督办公开: the items marked public (title, kind, departments, status, light and due date only)
 * and each department's on-time figures. Nothing else of the platform is shown or linked here.
 */
import './public.css';
import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Flex, List, Progress, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, get, qs } from '../../api/client';
import type { ItemKind, ItemStatus, Light, Page } from '../../api/types';
import { DateTime } from '../../components/DateTime';
import { LightBadge } from '../../components/LightBadge';
import { ErrorAlert } from '../../components/PageContainer';
import { ItemStatusTag } from '../../components/StatusTag';
import { formatPercent } from '../../lib/format';

interface PublicItem {
  title: string;
  kind: ItemKind;
  departments: string[];
  dueAt: string;
  status: ItemStatus;
  light: Light;
}
interface DepartmentStats {
  departmentId: string;
  name: string;
  total: number;
  completed: number;
  onTime: number;
  onTimeRate: number | null;
}

export default function DisclosurePage() {
  const { t } = useTranslation('public');
  const [page, setPage] = useState(1);
  const items = useQuery({
    queryKey: ['public', 'items', page],
    queryFn: ({ signal }) => get<Page<PublicItem>>(`/public/items${qs({ page, pageSize: 20 })}`, signal),
    placeholderData: (previous) => previous,
  });
  const stats = useQuery({
    queryKey: ['public', 'stats'],
    // Until the platform publishes the figures, the page shows the items alone.
    queryFn: ({ signal }) =>
      get<{ departments: DepartmentStats[] } | string>('/public/stats', signal).then(
        // A platform without the route answers 404, or the app's own page (not JSON).
        (answer) => (typeof answer === 'object' && answer && Array.isArray(answer.departments) ? answer : null),
        (e: unknown) => {
          if (e instanceof ApiError && e.status === 404) return null;
          throw e;
        },
      ),
  });
  return (
    <div className="public-page">
      <Typography.Title level={1} className="page-title">
        {t('title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('intro')}</Typography.Paragraph>
      <Card size="small" title={t('items.title', { count: items.data?.total ?? 0 })} className="public-card">
        {items.error ? (
          <ErrorAlert error={items.error} onRetry={() => void items.refetch()} />
        ) : (
          <List<PublicItem>
            loading={items.isPending}
            dataSource={items.data?.items ?? []}
            locale={{ emptyText: <Empty description={t('items.none')} /> }}
            pagination={
              (items.data?.total ?? 0) > 20 ? { current: page, pageSize: 20, total: items.data?.total ?? 0, onChange: setPage, showSizeChanger: false, align: 'center' } : false
            }
            renderItem={(item, i) => (
              <List.Item key={i} data-testid="public-item">
                <div className="public-item">
                  <Typography.Text strong className="wrap-anywhere public-item-title">
                    {item.title}
                  </Typography.Text>
                  <Flex gap={8} wrap align="center" className="public-item-meta">
                    <Tag>{t(`common:kinds.${item.kind}`)}</Tag>
                    <ItemStatusTag status={item.status} />
                    <LightBadge light={item.light} short />
                    <span>
                      {t('items.due')} <DateTime iso={item.dueAt} dateOnly />
                    </span>
                  </Flex>
                  <Typography.Text type="secondary" className="wrap-anywhere">
                    {t('items.departments')}
                    {item.departments.join('、')}
                  </Typography.Text>
                </div>
              </List.Item>
            )}
          />
        )}
      </Card>
      {stats.data !== null && (
        <Card size="small" title={t('stats.title')} className="public-card">
          {stats.error ? <ErrorAlert error={stats.error} /> : <StatsTable rows={stats.data?.departments ?? []} loading={stats.isPending} />}
        </Card>
      )}
    </div>
  );
}

function StatsTable({ rows, loading }: { rows: DepartmentStats[]; loading: boolean }) {
  const { t } = useTranslation('public');
  const columns: TableColumnsType<DepartmentStats> = [
    { title: t('stats.department'), dataIndex: 'name', key: 'name', render: (n: string) => <span className="wrap-anywhere">{n}</span> },
    { title: t('stats.total'), dataIndex: 'total', key: 'total', align: 'right', responsive: ['md'] },
    { title: t('stats.completed'), dataIndex: 'completed', key: 'completed', align: 'right' },
    { title: t('stats.onTime'), dataIndex: 'onTime', key: 'onTime', align: 'right' },
    {
      title: t('stats.rate'),
      dataIndex: 'onTimeRate',
      key: 'rate',
      width: 150,
      sorter: (a, b) => (a.onTimeRate ?? -1) - (b.onTimeRate ?? -1),
      // Named for screen readers; status "normal" keeps the label's colour readable at 100 % (antd's green fails contrast).
      render: (rate: number | null, row) =>
        rate === null ? (
          '—'
        ) : (
          <Progress
            percent={Math.round((rate <= 1 ? rate * 100 : rate) * 10) / 10}
            size="small"
            status="normal"
            aria-label={`${row.name} ${t('stats.rate')}`}
            format={() => formatPercent(rate)}
          />
        ),
    },
  ];
  return <Table<DepartmentStats> rowKey="departmentId" size="small" loading={loading} columns={columns} dataSource={rows} pagination={false} locale={{ emptyText: t('stats.none') }} />;
}
