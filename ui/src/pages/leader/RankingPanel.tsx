/** Departments ranked by on-time rate and by red lights: two bar charts, one bar per department. */
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Empty, Row } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { get, qs } from '../../api/client';
import { keys } from '../../api/keys';
import { ErrorAlert } from '../../components/PageContainer';
import type { Ranking, RankRow } from './types';

const Chart = lazy(() => import('./Chart'));

/** A horizontal bar chart tall enough for every department (27 or 200), best at the top. */
function barOption(rows: RankRow[], value: (r: RankRow) => number | null, percent: boolean, color: string) {
  const shown = [...rows].reverse();
  return {
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' as const, axisPointer: { type: 'shadow' as const } },
    xAxis: { type: 'value' as const, max: percent ? 100 : undefined, axisLabel: { formatter: percent ? '{value}%' : '{value}' } },
    yAxis: { type: 'category' as const, data: shown.map((r) => r.departmentName ?? r.departmentId), axisLabel: { width: 110, overflow: 'truncate' as const } },
    series: [
      {
        type: 'bar' as const,
        data: shown.map((r) => {
          const v = value(r);
          return v === null ? null : percent ? Math.round(v * 1000) / 10 : v;
        }),
        itemStyle: { color },
        label: { show: true, position: 'right' as const, formatter: percent ? '{c}%' : '{c}' },
        barMaxWidth: 18,
      },
    ],
  };
}

export default function RankingPanel({ asOf }: { asOf?: string }) {
  const { t } = useTranslation('leader');
  const ranking = useQuery({
    queryKey: [...keys.dashboard, 'ranking', { asOf }],
    queryFn: ({ signal }) => get<Ranking>(`/api/dashboard/ranking${qs({ asOf })}`, signal),
  });
  if (ranking.error) return <ErrorAlert error={ranking.error} onRetry={() => void ranking.refetch()} />;
  if (!ranking.data) return <Card loading />;
  // Departments without a completed task have no rate to rank; without a red light, nothing to show.
  const rated = ranking.data.onTimeRate.filter((r) => r.onTimeRate !== null);
  const red = ranking.data.redLights.filter((r) => r.redEver > 0);
  const height = (n: number) => Math.max(160, n * 26 + 24);
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={12}>
        <Card size="small" title={t('ranking.onTime')}>
          {rated.length === 0 ? (
            <Empty description={t('ranking.noneCompleted')} />
          ) : (
            <Suspense fallback={<Card loading />}>
              <Chart label={t('ranking.onTime')} height={height(rated.length)} option={barOption(rated, (r) => r.onTimeRate, true, '#1d5fbf')} />
            </Suspense>
          )}
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card size="small" title={t('ranking.red')}>
          {red.length === 0 ? (
            <Empty description={t('ranking.noneRed')} />
          ) : (
            <Suspense fallback={<Card loading />}>
              <Chart label={t('ranking.red')} height={height(red.length)} option={barOption(red, (r) => r.redEver, false, '#cf1322')} />
            </Suspense>
          )}
        </Card>
      </Col>
    </Row>
  );
}
