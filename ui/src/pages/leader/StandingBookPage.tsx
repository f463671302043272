/**
 * The standing book (督查台账): KPI cards, the department table per kind, ranking, trend and
 * assessment, as of any past day. Every number is a link to exactly the tasks it counts
 * (`GET /api/tasks?…&metric=`, the same predicate as the figure).
 */
import './leader.css';
import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, DatePicker, Flex, Grid, Input, Row, Select, Statistic, Switch, Table, Tabs, Typography, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get, qs } from '../../api/client';
import { keys } from '../../api/keys';
import { ITEM_KINDS, type ItemKind } from '../../api/types';
import { DateTime } from '../../components/DateTime';
import { PageContainer } from '../../components/PageContainer';
import { formatPercent } from '../../lib/format';
import { AppealsPanel } from './AppealsPanel';
import { AssessmentPanel } from './AssessmentPanel';
import { MatterPanel } from './MatterPanel';
import { SuggestionAccuracyPanel } from './SuggestionAccuracyPanel';
import { asOfInstant, useBookFilters } from './filters';
import { drillDownPath, METRICS, type Dashboard, type DepartmentFigures, type Metric, type Section } from './types';
import { VolumeExport } from './VolumeExport';

const RankingPanel = lazy(() => import('./RankingPanel'));
const TrendPanel = lazy(() => import('./TrendPanel'));

export default function StandingBookPage() {
  const { t } = useTranslation('leader');
  const [filters, setFilters] = useBookFilters();
  const asOf = asOfInstant(filters.asOfDay);
  const dashboard = useQuery({
    queryKey: [...keys.dashboard, 'book', { asOf }],
    queryFn: ({ signal }) => get<Dashboard>(`/api/dashboard${qs({ asOf })}`, signal),
  });
  const section: Section | undefined =
    filters.kind === 'all' ? dashboard.data : dashboard.data?.kinds.find((k) => k.kind === filters.kind);

  const extra = (
    <>
      <DatePicker
        aria-label={t('asOf')}
        placeholder={t('asOfNow')}
        value={filters.asOfDay ? dayjs(filters.asOfDay) : null}
        disabledDate={(d) => d.isAfter(dayjs(), 'day')}
        onChange={(d) => setFilters({ asOfDay: d ? d.format('YYYY-MM-DD') : null })}
        allowClear
      />
      <Button icon={<DownloadOutlined />} href={`/api/reports/dashboard.xlsx${qs({ asOf })}`} download data-testid="xlsx">
        {t('xlsx')}
      </Button>
      <VolumeExport />
    </>
  );

  return (
    <PageContainer
      title={t('title')}
      subTitle={
        dashboard.data && (
          <span>
            {asOf ? t('asOfShown') : t('generatedAt')} <DateTime iso={dashboard.data.asOf ?? dashboard.data.generatedAt} />
          </span>
        )
      }
      extra={extra}
      loading={dashboard.isPending}
      error={dashboard.error}
      onRetry={() => void dashboard.refetch()}
    >
      <Tabs
        activeKey={filters.tab}
        onChange={(tab) => setFilters({ tab })}
        destroyOnHidden
        items={[
          {
            key: 'book',
            label: t('tabs.book'),
            children: (
              <>
                <KindPicker value={filters.kind} onChange={(kind) => setFilters({ kind })} />
                {section && <KpiCards section={section} />}
                {section && <DepartmentTable section={section} showZero={filters.showZero} onShowZero={(showZero) => setFilters({ showZero })} />}
                {section && <AppealsPanel departments={section.departments} />}
                <MatterPanel asOf={asOf} kind={filters.kind === 'all' ? undefined : filters.kind} />
                <SuggestionAccuracyPanel />
              </>
            ),
          },
          {
            key: 'ranking',
            label: t('tabs.ranking'),
            children: (
              <Suspense fallback={<Card loading />}>
                <RankingPanel asOf={asOf} />
              </Suspense>
            ),
          },
          {
            key: 'trend',
            label: t('tabs.trend'),
            children: (
              <Suspense fallback={<Card loading />}>
                <TrendPanel asOf={asOf} />
              </Suspense>
            ),
          },
          { key: 'assessment', label: t('tabs.assessment'), children: <AssessmentPanel asOf={asOf} /> },
        ]}
      />
    </PageContainer>
  );
}

/** Per-kind figures: tabs on a wide screen, a select on a phone (where tabs would overflow into a menu). */
function KindPicker({ value, onChange }: { value: ItemKind | 'all'; onChange: (k: ItemKind | 'all') => void }) {
  const { t } = useTranslation('leader');
  const phone = !Grid.useBreakpoint().md;
  const options = [{ key: 'all', label: t('allKinds') }, ...ITEM_KINDS.map((k) => ({ key: k, label: t(`common:kinds.${k}`) }))];
  return phone ? (
    <Select<string>
      className="kind-select"
      aria-label={t('kind')}
      value={value}
      onChange={(k) => onChange(k as ItemKind | 'all')}
      options={options.map((o) => ({ value: o.key, label: o.label }))}
    />
  ) : (
    <Tabs type="card" size="small" activeKey={value} onChange={(k) => onChange(k as ItemKind | 'all')} items={options} />
  );
}

function KpiCards({ section }: { section: Section }) {
  const { t } = useTranslation('leader');
  const tot = section.totals;
  const card = (metric: Metric, value: number, color?: string) => (
    <Col xs={12} md={6} key={metric}>
      <Link to={drillDownPath(tot.drillDown.tasks, metric)} className="kpi-link" data-testid={`kpi-${metric}`}>
        <Card hoverable size="small">
          <Statistic title={t(`kpi.${metric}`)} value={value} styles={{ content: color ? { color } : undefined }} />
        </Card>
      </Link>
    </Col>
  );
  return (
    <Row gutter={[12, 12]} className="kpi-row">
      {card('inProgress', tot.inProgress)}
      {card('yellow', tot.yellow, '#ad6800')}
      {card('red', tot.red, '#cf1322')}
      <Col xs={12} md={6}>
        <Link to={drillDownPath(tot.drillDown.tasks, 'completed')} className="kpi-link" data-testid="kpi-onTimeRate">
          <Card hoverable size="small">
            <Statistic title={t('kpi.onTimeRate')} value={formatPercent(tot.onTimeRate)} />
            <Typography.Text type="secondary" className="kpi-note">
              {t('onTimeOf', { onTime: tot.onTime, completed: tot.completed })}
            </Typography.Text>
          </Card>
        </Link>
      </Col>
    </Row>
  );
}

function DepartmentTable({ section, showZero, onShowZero }: { section: Section; showZero: boolean; onShowZero: (v: boolean) => void }) {
  const { t } = useTranslation('leader');
  const [find, setFind] = useState('');
  const withTasks = showZero ? section.departments : section.departments.filter((d) => d.total > 0);
  const hidden = section.departments.length - withTasks.length;
  // A city has hundreds of departments: find one by name without paging through them.
  const needle = find.trim().toLowerCase();
  const rows = needle ? withTasks.filter((d) => (d.departmentName ?? '').toLowerCase().includes(needle)) : withTasks;
  const numberColumn = (metric: Metric) => ({
    title: t(`metrics.${metric}`),
    dataIndex: metric,
    key: metric,
    align: 'right' as const,
    sorter: (a: DepartmentFigures, b: DepartmentFigures) => a[metric] - b[metric],
    render: (value: number, row: DepartmentFigures) =>
      value === 0 ? (
        <span className="zero">0</span>
      ) : (
        <Link to={drillDownPath(row.drillDown.tasks, metric)} data-testid={`cell-${metric}`} data-department={row.departmentId}>
          {value}
        </Link>
      ),
  });
  const columns: TableColumnsType<DepartmentFigures> = [
    {
      title: t('department'),
      dataIndex: 'departmentName',
      key: 'name',
      fixed: 'left',
      width: 160,
      sorter: (a, b) => (a.departmentName ?? '').localeCompare(b.departmentName ?? '', 'zh-CN'),
      render: (name: string | null, row) => <span className="wrap-anywhere">{name ?? row.departmentId}</span>,
    },
    ...METRICS.map(numberColumn),
    {
      title: t('metrics.onTimeRate'),
      dataIndex: 'onTimeRate',
      key: 'onTimeRate',
      align: 'right',
      sorter: (a, b) => (a.onTimeRate ?? -1) - (b.onTimeRate ?? -1),
      render: (rate: number | null) => formatPercent(rate),
    },
    {
      title: t('metrics.accountability'),
      dataIndex: 'accountability',
      key: 'accountability',
      align: 'right',
      sorter: (a, b) => (a.accountability ?? 0) - (b.accountability ?? 0),
      render: (n: number | undefined) => n ?? 0,
    },
  ];
  return (
    <Card
      size="small"
      className="book-table"
      title={t('byDepartment')}
      extra={
        <Flex align="center" gap={8} wrap>
          <Input.Search
            allowClear
            size="small"
            placeholder={t('findDepartment')}
            aria-label={t('findDepartment')}
            onChange={(e) => setFind(e.target.value)}
            style={{ width: 180 }}
            data-testid="find-department"
          />
          <Switch size="small" checked={showZero} onChange={onShowZero} aria-label={t('showZero')} id="show-zero" />
          <label htmlFor="show-zero">{t('showZero')}</label>
        </Flex>
      }
    >
      <Table<DepartmentFigures>
        rowKey="departmentId"
        size="small"
        columns={columns}
        dataSource={rows}
        pagination={rows.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('noTasks') }}
        summary={() => (
          <Table.Summary fixed>
            <Table.Summary.Row className="book-total">
              <Table.Summary.Cell index={0}>{t('total')}</Table.Summary.Cell>
              {METRICS.map((m, i) => (
                <Table.Summary.Cell index={i + 1} key={m} align="right">
                  {section.totals[m] === 0 ? 0 : <Link to={drillDownPath(section.totals.drillDown.tasks, m)}>{section.totals[m]}</Link>}
                </Table.Summary.Cell>
              ))}
              <Table.Summary.Cell index={METRICS.length + 1} align="right">
                {formatPercent(section.totals.onTimeRate)}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={METRICS.length + 2} align="right">
                {section.totals.accountability ?? 0}
              </Table.Summary.Cell>
            </Table.Summary.Row>
          </Table.Summary>
        )}
      />
      {!showZero && hidden > 0 && (
        <Typography.Text type="secondary" className="zero-note">
          {t('zeroHidden', { count: hidden })}
        </Typography.Text>
      )}
    </Card>
  );
}

