/**
 * The department suggestions' record month by month (`GET /api/ai/accuracy`): of the suggestions whose
 * dispatcher's final choice is known, how often it was the first suggested, or among the three.
 */
import { useQuery } from '@tanstack/react-query';
import { Card, Table, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { get } from '../../api/client';
import { useUser } from '../../app/session';
import { formatPercent } from '../../lib/format';

interface Month {
  month: string;
  decided: number;
  top1: number;
  top3: number;
  top1Rate: number;
  top3Rate: number;
}

/** Readers of the standing book whom the route serves (an auditor reads the book but not the AI's record). */
const READERS = ['leader', 'supervisor', 'admin'];

export function SuggestionAccuracyPanel() {
  const { t } = useTranslation('leader');
  const user = useUser();
  const allowed = READERS.includes(user.role);
  const accuracy = useQuery({
    queryKey: ['ai', 'accuracy'],
    queryFn: ({ signal }) => get<{ months: Month[] }>('/api/ai/accuracy', signal),
    enabled: allowed,
  });
  if (!allowed || !accuracy.data) return null;
  const columns: TableColumnsType<Month> = [
    { title: t('accuracy.month'), dataIndex: 'month', key: 'month' },
    { title: t('accuracy.decided'), dataIndex: 'decided', key: 'decided', align: 'right' },
    { title: t('accuracy.top1'), key: 'top1', align: 'right', render: (_, m) => `${formatPercent(m.top1Rate)} (${m.top1})` },
    { title: t('accuracy.top3'), key: 'top3', align: 'right', render: (_, m) => `${formatPercent(m.top3Rate)} (${m.top3})` },
  ];
  return (
    <Card size="small" className="book-table" title={t('accuracy.title')} data-testid="suggestion-accuracy">
      <Typography.Paragraph type="secondary">{t('accuracy.hint')}</Typography.Paragraph>
      <Table<Month>
        rowKey="month"
        size="small"
        columns={columns}
        dataSource={[...accuracy.data.months].reverse()}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('accuracy.none') }}
      />
    </Card>
  );
}
