/** Home: what needs me now (`GET /api/me/work`), each entry with its countdown. */
import { useQuery } from '@tanstack/react-query';
import { Alert, Badge, Card, Col, Empty, Row, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, get } from '../api/client';
import { keys } from '../api/keys';
import type { MyWork, User, WorkItem, WorkTask } from '../api/types';
import { useUser } from '../app/session';
import { Countdown } from '../components/Countdown';
import { LightBadge } from '../components/LightBadge';
import { PageContainer } from '../components/PageContainer';
import { TaskStatusTag } from '../components/StatusTag';

const TASK_GROUPS = ['toSign', 'reportsDue', 'reviewsWaiting', 'extensionRequests', 'transferRequests'] as const;

/** Where a task entry leads: a department to its task page, others to the item. */
function taskLink(user: User, w: WorkTask): string {
  return user.role === 'department' ? `/items/${w.itemId}/tasks/${w.taskId}` : `/items/${w.itemId}`;
}

export default function HomePage() {
  const { t } = useTranslation('home');
  const user = useUser();
  const work = useQuery({ queryKey: keys.myWork, queryFn: ({ signal }) => get<MyWork>('/api/me/work', signal) });
  const data = work.data;
  // The summary route may be missing on an older API: say so instead of a 404 page.
  const missing = work.error instanceof ApiError && work.error.status === 404;
  const groups = TASK_GROUPS.filter((g) => (data?.[g]?.length ?? 0) > 0);
  const total = data ? TASK_GROUPS.reduce((n, g) => n + (data[g]?.length ?? 0), 0) + (data.redItems?.length ?? 0) : 0;
  return (
    <PageContainer
      title={t('title')}
      subTitle={t('subtitle')}
      loading={work.isPending}
      error={missing ? null : work.error}
      onRetry={() => void work.refetch()}
    >
      {missing && <Alert type="info" showIcon title={t('unavailable')} />}
      {data && total === 0 && (
        <Card>
          <Empty description={t('allClear')} />
        </Card>
      )}
      <Row gutter={[16, 16]}>
        {groups.map((g) => (
          <Col xs={24} lg={12} key={g}>
            <Card title={<GroupTitle label={t(g)} count={data![g].length} />} size="small" data-group={g}>
              <ul className="work-list">
                {data![g].map((w) => (
                  <li key={w.taskId} className="work-entry">
                    <Link to={taskLink(user, w)} className="work-link">
                      <Typography.Text strong className="wrap-anywhere">
                        {w.itemTitle}
                      </Typography.Text>
                      <Space size={[8, 4]} wrap className="work-meta">
                        <Typography.Text type="secondary">{w.itemCode}</Typography.Text>
                        <span>{w.departmentName}</span>
                        <TaskStatusTag status={w.status} />
                        <LightBadge light={w.light} short />
                        <Countdown to={w.countdownTo ?? w.dueAt} />
                      </Space>
                    </Link>
                  </li>
                ))}
              </ul>
            </Card>
          </Col>
        ))}
        {(data?.redItems?.length ?? 0) > 0 && (
          <Col xs={24} lg={12}>
            <Card title={<GroupTitle label={t('redItems')} count={data!.redItems.length} />} size="small" data-group="redItems">
              <ul className="work-list">
                {data!.redItems.map((w: WorkItem) => (
                  <li key={w.itemId} className="work-entry">
                    <Link to={`/items/${w.itemId}`} className="work-link">
                      <Typography.Text strong className="wrap-anywhere">
                        {w.title}
                      </Typography.Text>
                      <Space size={[8, 4]} wrap className="work-meta">
                        <Typography.Text type="secondary">{w.code}</Typography.Text>
                        <LightBadge light={w.light} short />
                        <Countdown to={w.dueAt} />
                      </Space>
                    </Link>
                  </li>
                ))}
              </ul>
            </Card>
          </Col>
        )}
      </Row>
    </PageContainer>
  );
}

function GroupTitle({ label, count }: { label: string; count: number }) {
  return (
    <Space>
      {label}
      <Badge count={count} color="#1d5fbf" />
    </Space>
  );
}
