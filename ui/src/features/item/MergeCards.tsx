/**
 * Duplicates on the item page (issue 18): the "merged into X" banner with its unmerge on a duplicate,
 * the merged duplicates' own texts on a primary, and, for a running item, the open items saying the
 * same thing (`POST /api/ai/suggestions`), each with a merge button that asks before it merges.
 */
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import type { ItemDetail, ItemStatus, Role } from '../../api/types';
import { ActionModal } from '../../components/ActionModal';
import { DateTime } from '../../components/DateTime';
import { ItemStatusTag } from '../../components/StatusTag';

/** The part of the AI assist's answer this card reads. */
interface SimilarAnswer {
  duplicates: Array<{ itemId: string; code: string; title: string; status: ItemStatus; similarity: number }>;
}

/** Supervisors merge anything; hotline operators merge appeals into appeals (domain/item-merge.ts). */
const mayMerge = (role: Role, item: ItemDetail) => role === 'supervisor' || (role === 'operator' && item.kind === 'appeal');

export function MergedBanner({ item, role }: { item: ItemDetail; role: Role }) {
  const { t } = useTranslation('item');
  const primary = item.mergedInto;
  if (!primary) return null;
  return (
    <Alert
      type="warning"
      showIcon
      className="section merged-banner"
      data-testid="merged-banner"
      message={
        <span>
          {t('merge.mergedInto')}{' '}
          <Link to={`/items/${primary.id}`}>
            {primary.code} {primary.title}
          </Link>
        </span>
      }
      description={
        <Typography.Text type="secondary">
          {t('merge.mergedExplain')} · <DateTime iso={primary.mergedAt} />
        </Typography.Text>
      }
      action={
        mayMerge(role, item) ? (
          <ActionModal<object, object> label={t('merge.unmerge')} path={`/api/items/${item.id}/unmerge`} toBody={() => ({})} intro={<Typography.Paragraph>{t('merge.unmergeConfirm')}</Typography.Paragraph>} okText={t('merge.unmerge')}>
            {null}
          </ActionModal>
        ) : undefined
      }
    />
  );
}

export function MergedDuplicatesCard({ item }: { item: ItemDetail }) {
  const { t } = useTranslation('item');
  const duplicates = item.duplicates ?? [];
  if (duplicates.length === 0) return null;
  return (
    <Card size="small" title={t('merge.duplicates', { count: duplicates.length })} className="section merged-duplicates" style={{ marginTop: 16 }}>
      <List
        size="small"
        dataSource={duplicates}
        renderItem={(d) => (
          <List.Item key={d.id}>
            <div>
              <Link to={`/items/${d.id}`}>
                {d.code} {d.title}
              </Link>
              {d.description && <div className="pre-wrap wrap-anywhere">{d.description}</div>}
              <Typography.Text type="secondary">
                {t('merge.mergedAt')} <DateTime iso={d.mergedAt} />
              </Typography.Text>
            </div>
          </List.Item>
        )}
      />
    </Card>
  );
}

/** The open items saying the same thing as this one, to merge it into (for a running item not yet merged). */
export function SimilarItemsCard({ item, role }: { item: ItemDetail; role: Role }) {
  const { t } = useTranslation('item');
  const eligible = mayMerge(role, item) && !item.mergedInto && (item.duplicates ?? []).length === 0 && ['launched', 'in_progress'].includes(item.status);
  const answer = useQuery({
    queryKey: ['item', item.id, 'similar'],
    queryFn: ({ signal }) => api<SimilarAnswer>('POST', '/api/ai/suggestions', { body: { title: item.title, text: item.description || item.title, kind: item.kind }, signal }),
    enabled: eligible,
    staleTime: 60_000,
    retry: false,
  });
  if (!eligible) return null;
  const similar = (answer.data?.duplicates ?? []).filter((d) => d.itemId !== item.id);
  if (similar.length === 0) return null;
  return (
    <Card size="small" title={t('merge.similar')} className="section similar-items" style={{ marginTop: 16 }}>
      <List
        size="small"
        dataSource={similar}
        renderItem={(d) => (
          <List.Item
            key={d.itemId}
            actions={[
              <ActionModal<object, { primaryId: string }>
                key="merge"
                label={t('merge.merge')}
                title={t('merge.mergeTitle', { code: d.code })}
                path={`/api/items/${item.id}/merge`}
                toBody={() => ({ primaryId: d.itemId })}
                intro={<Typography.Paragraph>{t('merge.mergeConfirm', { code: d.code, own: item.code })}</Typography.Paragraph>}
                okText={t('merge.merge')}
              >
                {null}
              </ActionModal>,
            ]}
          >
            <Space wrap size={4}>
              <Link to={`/items/${d.itemId}`}>
                {d.code} {d.title}
              </Link>
              <ItemStatusTag status={d.status} />
              <Tag>{t('merge.similarity', { percent: Math.round(d.similarity * 100) })}</Tag>
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}
