/**
 * Assessment (考核): each department's score from 100 down, the points lost per factor, and, on
 * expanding a row, every deduction with its reason in words (which item, how many times, at what
 * weight) from `GET /api/assessment/deductions`.
 */
import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { Link } from 'react-router';
import { get, qs } from '../../api/client';
import { keys } from '../../api/keys';
import type { Page } from '../../api/types';
import { DateTime } from '../../components/DateTime';
import { ErrorAlert } from '../../components/PageContainer';
import { formatPercent } from '../../lib/format';
import { FACTORS, type Assessment, type AssessmentRow, type Deduction, type Factor } from './types';

const round = (n: number) => Math.round(n * 100) / 100;

export function AssessmentPanel({ asOf }: { asOf?: string }) {
  const { t } = useTranslation('leader');
  const assessment = useQuery({
    queryKey: [...keys.dashboard, 'assessment', { asOf }],
    queryFn: ({ signal }) => get<Assessment>(`/api/assessment${qs({ asOf })}`, signal),
  });
  if (assessment.error) return <ErrorAlert error={assessment.error} onRetry={() => void assessment.refetch()} />;
  const data = assessment.data;
  const columns: TableColumnsType<AssessmentRow> = [
    { title: t('assessment.rank'), dataIndex: 'rank', key: 'rank', width: 64, align: 'right' },
    { title: t('department'), dataIndex: 'departmentName', key: 'name', render: (n: string | null, r) => <span className="wrap-anywhere">{n ?? r.departmentId}</span> },
    {
      title: t('assessment.score'),
      dataIndex: 'score',
      key: 'score',
      align: 'right',
      sorter: (a, b) => a.score - b.score,
      render: (s: number) => <strong data-testid="score">{s}</strong>,
    },
    { title: t('assessment.lost'), dataIndex: 'pointsLost', key: 'lost', align: 'right', sorter: (a, b) => a.pointsLost - b.pointsLost },
    ...FACTORS.map((f) => ({
      title: t(`factors.${f}`),
      key: f,
      align: 'right' as const,
      render: (_: unknown, r: AssessmentRow) => (r.byFactor[f].points > 0 ? `−${r.byFactor[f].points}` : <span className="zero">0</span>),
    })),
    { title: t('metrics.onTimeRate'), key: 'rate', align: 'right', render: (_, r) => formatPercent(r.onTimeRate) },
  ];
  return (
    <Card size="small" title={t('assessment.title')}>
      {data && (
        <Typography.Paragraph type="secondary" className="weights-line">
          {t('assessment.rule')}{' '}
          {FACTORS.map((f) => (
            <Tag key={f}>{t(`weights.${f}`, { n: data.weights[f] })}</Tag>
          ))}
        </Typography.Paragraph>
      )}
      <Table<AssessmentRow>
        rowKey="departmentId"
        size="small"
        loading={assessment.isPending}
        columns={columns}
        dataSource={data?.departments ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('noTasks') }}
        expandable={{ expandedRowRender: (row) => <Explanation row={row} />, rowExpandable: (row) => row.pointsLost > 0 || (row.accountability?.count ?? 0) > 0 }}
      />
    </Card>
  );
}

/** One factor's rule in words, with this department's numbers. */
function factorSentence(t: TFunction<'leader'>, f: Factor, row: AssessmentRow): string {
  const x = row.byFactor[f];
  if (f === 'onTimeRate') return t('explain.onTimeRate', { late: x.count, completed: row.completed, weight: x.weight, points: x.points });
  return t(`explain.${f}`, { count: x.count, weight: x.weight, points: x.points });
}

function Explanation({ row }: { row: AssessmentRow }) {
  const { t } = useTranslation('leader');
  const [page, setPage] = useState(1);
  const deductions = useQuery({
    queryKey: [...keys.dashboard, 'deductions', row.deductions.list, page],
    // The link already carries the department's filters (`…/deductions?dateField=…&departmentId=…`).
    queryFn: ({ signal }) => get<Page<Deduction>>(`${row.deductions.list}&page=${page}&pageSize=20`, signal),
  });
  const columns: TableColumnsType<Deduction> = [
    {
      title: t('item'),
      key: 'item',
      render: (_, d) => (
        <Link to={`/items/${d.itemId}`} className="wrap-anywhere">
          {d.itemCode} {d.itemTitle}
        </Link>
      ),
    },
    { title: t('assessment.factor'), key: 'factor', render: (_, d) => t(`factors.${d.factor}`) },
    {
      title: t('assessment.why'),
      key: 'why',
      render: (_, d) =>
        d.factor === 'onTimeRate'
          ? t('deduction.onTimeRate', { weight: row.byFactor.onTimeRate.weight, completed: row.completed })
          : t(`deduction.${d.factor}`, { count: d.count, weight: row.byFactor[d.factor].weight }),
    },
    { title: t('assessment.points'), dataIndex: 'points', key: 'points', align: 'right', render: (p: number) => `−${round(p)}` },
  ];
  return (
    <div className="assessment-explain" data-testid="assessment-explain">
      <Descriptions size="small" column={1} bordered>
        {FACTORS.filter((f) => row.byFactor[f].points > 0).map((f) => (
          <Descriptions.Item key={f} label={t(`factors.${f}`)}>
            {factorSentence(t, f, row)}
          </Descriptions.Item>
        ))}
        <Descriptions.Item label={t('assessment.score')}>{t('explain.score', { lost: row.pointsLost, score: row.score })}</Descriptions.Item>
        {(row.accountability?.count ?? 0) > 0 && (
          <Descriptions.Item label={t('metrics.accountability')}>
            <div data-testid="assessment-accountability">
              {t('explain.accountability', { count: row.accountability!.count })}
              <ul className="accountability-list">
                {row.accountability!.actions.map((a) => (
                  <li key={a.id}>
                    <Link to={`/items/${a.itemId}`}>{a.itemCode}</Link> · {t(`item:accountability.kinds.${a.kind}`)} · {a.personName} · <DateTime iso={a.decidedAt} />
                  </li>
                ))}
              </ul>
            </div>
          </Descriptions.Item>
        )}
      </Descriptions>
      {deductions.error ? (
        <ErrorAlert error={deductions.error} />
      ) : (
        <Table<Deduction>
          rowKey={(d) => `${d.taskId}-${d.factor}`}
          size="small"
          loading={deductions.isPending}
          columns={columns}
          dataSource={deductions.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          pagination={{ current: page, pageSize: 20, total: deductions.data?.total ?? 0, onChange: setPage, showSizeChanger: false, hideOnSinglePage: true }}
        />
      )}
    </div>
  );
}
