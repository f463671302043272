/**
 * My tasks, most urgent first (red, yellow, then the nearest deadline), as cards that fit a phone;
 * an open task not yet red carries its early-warning risk badge when the model has enough history.
 * Built from the department's open items and their details (shared with the item and task pages'
 * cache): there is no task list route a department may read.
 */
import { useQueries, useQuery } from '@tanstack/react-query';
import { Card, Empty, Flex, Segmented, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get } from '../../api/client';
import { keys } from '../../api/keys';
import type { ItemDetail, ItemSummary, Page, Task } from '../../api/types';
import { useNow } from '../../app/clock';
import { useUser } from '../../app/session';
import { Countdown } from '../../components/Countdown';
import { DateTime } from '../../components/DateTime';
import { LightBadge } from '../../components/LightBadge';
import { PageContainer } from '../../components/PageContainer';
import { TaskRiskBadge } from '../../components/RiskBadge';
import { TaskStatusTag } from '../../components/StatusTag';
import { effectiveLight } from '../../lib/light';

const RANK = { red: 0, yellow: 1, green: 2 } as const;
const OPEN = ['assigned', 'signed', 'in_progress', 'submitted'];

export default function MyTasksPage() {
  const { t } = useTranslation('task');
  const user = useUser();
  const now = useNow();
  const [show, setShow] = useState<'open' | 'all'>('open');
  const list = useQuery({
    queryKey: keys.items({ departmentId: user.departmentId, pageSize: 100 }),
    queryFn: ({ signal }) => get<Page<ItemSummary>>(`/api/items?pageSize=100${user.departmentId ? `&departmentId=${user.departmentId}` : ''}`, signal),
  });
  const details = useQueries({
    queries: (list.data?.items ?? []).map((i) => ({ queryKey: keys.item(i.id), queryFn: ({ signal }: { signal: AbortSignal }) => get<ItemDetail>(`/api/items/${i.id}`, signal) })),
  });
  const rows: { item: ItemDetail; task: Task }[] = details
    .flatMap((q) => (q.data ? q.data.tasks.filter((x) => x.departmentId === user.departmentId).map((task) => ({ item: q.data!, task })) : []))
    .filter((r) => show === 'all' || OPEN.includes(r.task.status))
    .sort((a, b) => {
      const openA = OPEN.includes(a.task.status) ? 0 : 1;
      const openB = OPEN.includes(b.task.status) ? 0 : 1;
      return openA - openB || RANK[effectiveLight(a.task, now)] - RANK[effectiveLight(b.task, now)] || a.task.dueAt.localeCompare(b.task.dueAt);
    });
  const loading = list.isPending || details.some((q) => q.isPending);
  return (
    <PageContainer
      title={t('myTasks')}
      subTitle={t('myTasksHint')}
      extra={<Segmented value={show} onChange={(v) => setShow(v as 'open' | 'all')} options={[{ value: 'open', label: t('open') }, { value: 'all', label: t('all') }]} />}
      loading={loading && rows.length === 0}
      error={list.error}
      onRetry={() => void list.refetch()}
    >
      {rows.length === 0 && !loading && <Empty description={t('empty')} />}
      <div className="card-list my-tasks">
        {rows.map(({ item, task }) => (
          <Link key={task.id} to={`/items/${item.id}/tasks/${task.id}`} className="task-link" data-task-id={task.id} data-item-id={item.id}>
            <Card size="small" className={`task task-${effectiveLight(task, now)}`} hoverable>
              <Flex vertical gap={6}>
                <Typography.Text strong className="wrap-anywhere">
                  {item.title}
                </Typography.Text>
                <Space size={[8, 4]} wrap>
                  <Typography.Text type="secondary">{item.code}</Typography.Text>
                  <TaskStatusTag status={task.status} />
                  <LightBadge light={task.light} clock={task} reason={task.lightReason} short />
                  {OPEN.includes(task.status) && effectiveLight(task, now) !== 'red' && <TaskRiskBadge taskId={task.id} />}
                </Space>
                <Space size={[8, 4]} wrap>
                  <span>
                    {t('dueAt')}: <DateTime iso={task.dueAt} />
                  </span>
                  <Countdown to={task.dueAt} done={!OPEN.includes(task.status) || task.status === 'submitted'} />
                </Space>
              </Flex>
            </Card>
          </Link>
        ))}
      </div>
    </PageContainer>
  );
}
