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
  const sort = params.get('sort') === 'risk' ? 'risk' : 'due';
  const setSort = (value: string) => {
    const next = new URLSearchParams(params);
    next.set('sort', value);
    next.delete('page');
    setParams(next);
  };
  // Fits a desktop without scrolling sideways: fixed widths but for the item, which takes the rest and
  // ends in an ellipsis (the whole title on hover); the outcome shares the status's cell; the kind and the
  // dossier give way first on narrower screens (the department too on a phone). Risk sorts from its header as from the switch above.
  const columns: TableColumnsType<FactRow> = [
    {
      title: t('item'),
      key: 'item',
      ellipsis: { showTitle: false },
      render: (_, r) => (
        <Tooltip title={`${r.itemCode} ${r.itemTitle}`} placement="topLeft">
          <Link to={`/items/${r.itemId}`} className="drill-link">
            <span className="item-code">{r.itemCode}</span> {r.itemTitle}
          </Link>
        </Tooltip>
      ),
    },
    {
      title: t('drill.risk'),
      dataIndex: 'risk',
      key: 'risk',
      width: 104,
      sorter: true,
      sortOrder: sort === 'risk' ? 'descend' : null,
      sortDirections: ['descend'],
      render: (risk: FactRow['risk']) => <RiskBadge risk={risk} testId="drill-risk" />,
    },
    { title: t('department'), dataIndex: 'departmentName', key: 'department', width: 150, ellipsis: true, responsive: ['md'], render: (n: string | null) => n ?? '—' },
    { title: t('drill.kind'), dataIndex: 'kind', key: 'kind', width: 120, ellipsis: true, responsive: ['xl'], render: (k: string) => t(`common:kinds.${k}`) },
    {
      title: t('drill.status'),
      dataIndex: 'status',
      key: 'status',
      width: 150,
      render: (s: TaskStatus, r) => (
        <Space size={4} wrap>
          <TaskStatusTag status={s} />
          <OutcomeTag outcome={r.outcome} />
        </Space>
      ),
    },
    { title: t('drill.light'), dataIndex: 'light', key: 'light', width: 72, render: (l: FactRow['light']) => <LightBadge light={l} short /> },
    { title: t('drill.due'), dataIndex: 'dueAt', key: 'due', width: 156, responsive: ['sm'], render: (d: string) => <DateTime iso={d} /> },
    {
      title: (
        <Tooltip title={t('drill.dossier')}>
          <FilePdfOutlined aria-label={t('drill.dossier')} />
        </Tooltip>
      ),
      key: 'dossier',
      width: 56,
      responsive: ['md'],
      render: (_, r) => (
        <Tooltip title={t('drill.dossierHint')}>
          <Button size="small" icon={<FilePdfOutlined />} href={`/api/items/${r.itemId}/dossier.pdf`} download aria-label={`${t('drill.dossier')} ${r.itemCode}`} />
        </Tooltip>
      ),
    },
  ];
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
          tableLayout="fixed"
          // A phone scrolls the table inside its card, never the page.
          scroll={{ x: 560 }}
          onChange={(_, __, sorter, extra) => {
            if (extra.action === 'sort') setSort(!Array.isArray(sorter) && sorter.order ? 'risk' : 'due');
          }}
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
