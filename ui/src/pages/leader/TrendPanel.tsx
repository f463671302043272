/** The figures per week or month (by launch date): tasks launched, completed, on time, ever red; and the on-time rate. */
import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Segmented } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, qs } from '../../api/client';
import { keys } from '../../api/keys';
import { ErrorAlert } from '../../components/PageContainer';
import type { Metric, Trend } from './types';

const Chart = lazy(() => import('./Chart'));
const SERIES: { metric: Metric; color: string }[] = [
  { metric: 'total', color: '#1d5fbf' },
  { metric: 'completed', color: '#389e0d' },
  { metric: 'onTime', color: '#13c2c2' },
  { metric: 'redEver', color: '#cf1322' },
];

export default function TrendPanel({ asOf }: { asOf?: string }) {
  const { t } = useTranslation('leader');
  const [granularity, setGranularity] = useState<'month' | 'week'>('month');
  const trend = useQuery({
    queryKey: [...keys.dashboard, 'trend', { asOf, granularity }],
    queryFn: ({ signal }) => get<Trend>(`/api/dashboard/trend${qs({ asOf, granularity })}`, signal),
  });
  const periods = trend.data?.periods ?? [];
  const option = {
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' as const },
    legend: { top: 0 },
    xAxis: { type: 'category' as const, data: periods.map((p) => p.label) },
    yAxis: [
      { type: 'value' as const, minInterval: 1 },
      { type: 'value' as const, max: 100, axisLabel: { formatter: '{value}%' }, splitLine: { show: false } },
    ],
    series: [
      ...SERIES.map((s) => ({ name: t(`metrics.${s.metric}`), type: 'bar' as const, data: periods.map((p) => p[s.metric]), itemStyle: { color: s.color }, barMaxWidth: 16 })),
      {
        name: t('metrics.onTimeRate'),
        type: 'line' as const,
        yAxisIndex: 1,
        connectNulls: true,
        data: periods.map((p) => (p.onTimeRate === null ? null : Math.round(p.onTimeRate * 1000) / 10)),
        itemStyle: { color: '#fa8c16' },
      },
    ],
  };
  return (
    <Card
      size="small"
      title={t('trend.title')}
      extra={
        <Segmented
          size="small"
          value={granularity}
          onChange={(v) => setGranularity(v as 'month' | 'week')}
          options={[
            { value: 'month', label: t('trend.month') },
            { value: 'week', label: t('trend.week') },
          ]}
        />
      }
    >
      {trend.error ? (
        <ErrorAlert error={trend.error} onRetry={() => void trend.refetch()} />
      ) : trend.isPending ? (
        <Card loading variant="borderless" />
      ) : periods.length === 0 ? (
        <Empty description={t('noTasks')} />
      ) : (
        <Suspense fallback={<Card loading />}>
          <Chart label={t('trend.title')} height={360} option={option} />
        </Suspense>
      )}
    </Card>
  );
}
