/**
 * Workflows whose read-model write failed for a reason no retry cures (GET /api/admin/projection-failures).
 * The work itself went on; lists show the item as it was until an admin repairs it from its histories.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, get } from '../../api/client';
import { DateTime } from '../../components/DateTime';
import { errorText } from '../../components/PageContainer';

interface ProjectionFailure {
  workflowId: string;
  kind: 'item' | 'task';
  itemId: string;
  taskId: string | null;
  errorCode: string;
  error: string;
  failures: number;
  lastFailedAt: string;
}

const KEY = ['admin', 'projection-failures'];

export function ProjectionFailuresCard() {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const client = useQueryClient();
  const list = useQuery({ queryKey: KEY, queryFn: () => get<{ items: ProjectionFailure[] }>('/api/admin/projection-failures'), refetchInterval: 30_000 });
  const repair = useMutation({
    mutationFn: (itemId: string) => api<{ cleared: number }>('POST', `/api/admin/projection-failures/${itemId}/repair`),
    onSuccess: () => void message.success(t('projectionFailures.repaired')),
    onError: (e) => void message.error(errorText(e, t)),
    onSettled: () => client.invalidateQueries({ queryKey: KEY }),
  });
  const rows = list.data?.items ?? [];
  return (
    <Card size="small" title={t('projectionFailures.title')} className="admin-failures" data-testid="projection-failures">
      <Typography.Paragraph type="secondary">{t('projectionFailures.text')}</Typography.Paragraph>
      {rows.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={list.isPending ? t('common:loading') : t('projectionFailures.none')} />
      ) : (
        <Table<ProjectionFailure>
          rowKey="workflowId"
          size="small"
          pagination={false}
          scroll={{ x: true }}
          dataSource={rows}
          columns={[
            { title: t('projectionFailures.item'), dataIndex: 'itemId', render: (id: string) => <Link to={`/items/${id}`}>{id.slice(0, 8)}</Link> },
            { title: t('projectionFailures.kind'), dataIndex: 'kind', render: (k: string) => <Tag>{t(`projectionFailures.kinds.${k}`)}</Tag> },
            { title: t('projectionFailures.error'), dataIndex: 'error', render: (e: string, r) => `${r.errorCode} · ${e}` },
            { title: t('projectionFailures.failures'), dataIndex: 'failures' },
            { title: t('projectionFailures.last'), dataIndex: 'lastFailedAt', render: (iso: string) => <DateTime iso={iso} /> },
            {
              title: '',
              key: 'repair',
              render: (_, r) => (
                <Button size="small" loading={repair.isPending && repair.variables === r.itemId} onClick={() => repair.mutate(r.itemId)}>
                  {t('projectionFailures.repair')}
                </Button>
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}
