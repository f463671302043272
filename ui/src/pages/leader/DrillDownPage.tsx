/**
 * The tasks behind one figure of the standing book: `GET /api/tasks` with the figure's own filters
 * and metric, so the list holds exactly as many rows as the number that was clicked.
 */
import './leader.css';
import { ArrowLeftOutlined, FilePdfOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Segmented, Space, Table, Tooltip, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { get } from '../../api/client';
import { keys } from '../../api/keys';
import type { Page, TaskStatus } from '../../api/types';
import { DateTime } from '../../components/DateTime';
import { LightBadge } from '../../components/LightBadge';
import { PageContainer } from '../../components/PageContainer';
import { RiskBadge } from '../../components/RiskBadge';
import { OutcomeTag, TaskStatusTag } from '../../components/StatusTag';
import type { FactRow, Metric } from './types';

export default function DrillDownPage() {
  const { t } = useTranslation('leader');
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const metric = (params.get('metric') ?? 'total') as Metric;
  const page = Number(params.get('page') ?? 1);
  const apiParams = new URLSearchParams(params);
  apiParams.set('page', String(page));
  apiParams.set('pageSize', '50');
  const list = useQuery({
    queryKey: [...keys.tasks({ drill: apiParams.toString() })],
    queryFn: ({ signal }) => get<Page<FactRow>>(`/api/tasks?${apiParams.toString()}`, signal),
  });
  const kind = params.get('kind');
  const asOf = params.get('asOf');
  const columns: TableColumnsType<FactRow> = [
    {
      title: t('item'),
      key: 'item',
      render: (_, r) => (
        <Link to={`/items/${r.itemId}`} className="wrap-anywhere drill-link">
          <span className="item-code">{r.itemCode}</span> {r.itemTitle}
        </Link>
      ),
    },
    { title: t('drill.risk'), dataIndex: 'risk', key: 'risk', render: (risk: FactRow['risk']) => <RiskBadge risk={risk} testId="drill-risk" /> },
    { title: t('department'), dataIndex: 'departmentName', key: 'department', render: (n: string | null) => <span className="wrap-anywhere">{n ?? '—'}</span> },
    { title: t('drill.kind'), dataIndex: 'kind', key: 'kind', render: (k: string) => t(`common:kinds.${k}`) },
    { title: t('drill.status'), dataIndex: 'status', key: 'status', render: (s: TaskStatus) => <TaskStatusTag status={s} /> },
    { title: t('drill.light'), dataIndex: 'light', key: 'light', render: (l: FactRow['light']) => <LightBadge light={l} short /> },
    { title: t('drill.outcome'), dataIndex: 'outcome', key: 'outcome', render: (o: FactRow['outcome']) => <OutcomeTag outcome={o} /> },
    { title: t('drill.due'), dataIndex: 'dueAt', key: 'due', render: (d: string) => <DateTime iso={d} /> },
    {
      title: t('drill.dossier'),
      key: 'dossier',
      render: (_, r) => (
        <Tooltip title={t('drill.dossierHint')}>
          <Button size="small" icon={<FilePdfOutlined />} href={`/api/items/${r.itemId}/dossier.pdf`} download aria-label={`${t('drill.dossier')} ${r.itemCode}`} />
        </Tooltip>
      ),
    },
  ];
  const sort = params.get('sort') === 'risk' ? 'risk' : 'due';
  const setSort = (value: string) => {
    const next = new URLSearchParams(params);
    next.set('sort', value);
    next.delete('page');
    setParams(next);
  };
  const back = new URLSearchParams();
  if (asOf) back.set('asOf', dayjs(asOf).format('YYYY-MM-DD'));
  if (kind) back.set('kind', kind);
  return (
    <PageContainer
      title={t('drill.title', { metric: t(`metrics.${metric}`) })}
      subTitle={
        <span data-testid="drill-total">
          {[
            kind ? t(`common:kinds.${kind}`) : t('allKinds'),
            params.get('departmentId') && list.data?.items[0]?.departmentName,
            t('drill.count', { count: list.data?.total ?? 0 }),
          ]
            .filter(Boolean)
            .join(' · ')}
        </span>
      }
      extra={
        <Space wrap>
          <Segmented
            aria-label={t('drill.sortBy')}
            value={sort}
            onChange={(v) => setSort(String(v))}
            options={[
              { value: 'due', label: t('drill.sortDue') },
              { value: 'risk', label: t('drill.sortRisk') },
            ]}
          />
          <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate(`/leader${back.size ? `?${back}` : ''}`)}>
            {t('drill.back')}
          </Button>
        </Space>
      }
      error={list.error}
      onRetry={() => void list.refetch()}
    >
      <Card size="small">
        <Table<FactRow>
          rowKey="taskId"
          size="small"
          loading={list.isPending}
          columns={columns}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          data-testid="drill-table"
          pagination={{
            current: page,
            pageSize: 50,
            total: list.data?.total ?? 0,
            showSizeChanger: false,
            hideOnSinglePage: true,
            onChange: (p) => {
              const next = new URLSearchParams(params);
              next.set('page', String(p));
              setParams(next);
            },
          }}
        />
      </Card>
    </PageContainer>
  );
}
