/** GET /api/inbox, newest first; marking a message read posts /api/inbox/:id/read. Texts are shown as written. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Card, List, Segmented, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, get, newKey, qs } from '../api/client';
import { keys } from '../api/keys';
import type { InboxItem, InboxPage as InboxAnswer } from '../api/types';
import { useUser } from '../app/session';
import { DateTime } from '../components/DateTime';
import { ErrorAlert, PageContainer } from '../components/PageContainer';

export default function InboxPage() {
  const { t } = useTranslation('inbox');
  const user = useUser();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const unreadOnly = params.get('unread') === 'true';
  const query = { page, pageSize: 20, unread: unreadOnly ? 'true' : undefined };
  const inbox = useQuery({ queryKey: keys.inbox(query), queryFn: ({ signal }) => get<InboxAnswer>(`/api/inbox${qs(query)}`, signal) });
  const markRead = useMutation({
    mutationFn: (item: InboxItem) => api<InboxItem>('POST', `/api/inbox/${item.id}/read`, { idempotencyKey: newKey() }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.inbox() }),
  });
  const setParam = (k: string, v: string | null) => {
    const next = new URLSearchParams(params);
    if (v === null) next.delete(k);
    else next.set(k, v);
    if (k !== 'page') next.delete('page');
    setParams(next);
  };
  const itemLink = (m: InboxItem) =>
    user.role === 'department' && m.taskId ? `/items/${m.itemId}/tasks/${m.taskId}` : `/items/${m.itemId}`;
  return (
    <PageContainer
      title={t('title')}
      subTitle={inbox.data && inbox.data.unread > 0 ? t('unread', { count: inbox.data.unread }) : undefined}
      extra={
        // A segmented choice rather than a 22 px switch: each half is a full-height tap target on a phone.
        <Segmented
          value={unreadOnly ? 'unread' : 'all'}
          onChange={(v) => setParam('unread', v === 'unread' ? 'true' : null)}
          options={[
            { value: 'all', label: t('all') },
            { value: 'unread', label: t('unreadOnly') },
          ]}
          aria-label={t('show')}
        />
      }
      error={inbox.error}
      onRetry={() => void inbox.refetch()}
    >
      <ErrorAlert error={markRead.error} />
      <Card>
        <List
          loading={inbox.isPending}
          dataSource={inbox.data?.items ?? []}
          locale={{ emptyText: t('empty') }}
          pagination={
            inbox.data && inbox.data.total > inbox.data.pageSize
              ? {
                  current: page,
                  pageSize: 20,
                  total: inbox.data.total,
                  onChange: (p) => setParam('page', String(p)),
                  showSizeChanger: false,
                }
              : false
          }
          renderItem={(m) => (
            <List.Item
              key={m.id}
              data-read={m.readAt ? 'true' : 'false'}
              className="inbox-entry"
              actions={[
                <Link key="open" to={itemLink(m)} onClick={() => !m.readAt && markRead.mutate(m)}>
                  {t('openItem')}
                </Link>,
                m.readAt ? (
                  <Typography.Text key="read" type="secondary">
                    {t('read')}
                  </Typography.Text>
                ) : (
                  <Button
                    key="mark"
                    onClick={() => markRead.mutate(m)}
                    loading={markRead.isPending && markRead.variables?.id === m.id}
                  >
                    {t('markRead')}
                  </Button>
                ),
              ]}
            >
              <List.Item.Meta
                title={
                  <Space wrap>
                    {!m.readAt && <Badge status="processing" />}
                    {m.urgent && <Tag color="red">{t('urgent')}</Tag>}
                    <span className="wrap-anywhere">{m.subject}</span>
                  </Space>
                }
                description={
                  <>
                    <div className="wrap-anywhere inbox-body">{m.body}</div>
                    <DateTime iso={m.occurredAt} />
                  </>
                }
              />
            </List.Item>
          )}
        />
      </Card>
    </PageContainer>
  );
}
