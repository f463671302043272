/**
 * The item page: overview (issuing leader by name), tasks as cards with what each department
 * reported (every completion-form field under the template's titles; a department reads only its
 * own, and sees the other departments sharing the item by status and light), the leader's instructions,
 * the timeline (and the full history for supervisors, leaders and auditors), and every action of
 * the user's role. Lights flip on screen when their instants pass; the live stream refreshes the rest.
 */
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Collapse, Descriptions, Empty, Flex, List, Row, Space, Tabs, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { get } from '../../api/client';
import { keys } from '../../api/keys';
import { useDepartmentName, useLeaders, useTemplate } from '../../api/queries';
import type { ItemDetail } from '../../api/types';
import { currentLang } from '../../app/i18n';
import { useNow } from '../../app/clock';
import { useUser } from '../../app/session';
import { Countdown } from '../../components/Countdown';
import { DateTime } from '../../components/DateTime';
import { LightBadge } from '../../components/LightBadge';
import { PageContainer } from '../../components/PageContainer';
import { ItemStatusTag } from '../../components/StatusTag';
import { AccountabilityCard } from '../../features/item/AccountabilityCard';
import { ItemActions, SupervisorTaskActions } from '../../features/item/actions';
import { AttachmentsCard } from '../../features/item/AttachmentsCard';
import { MergedBanner, MergedDuplicatesCard, SimilarItemsCard } from '../../features/item/MergeCards';
import { ItemTimeline, TaskReports } from '../../features/item/reports';
import { SharedDepartments } from '../../features/item/SharedDepartments';
import { TaskCard } from '../../features/item/TaskCard';
import { effectiveLight, worstLight } from '../../lib/light';

export function useItem(id: string | undefined) {
  return useQuery({ queryKey: keys.item(id), enabled: !!id, queryFn: ({ signal }) => get<ItemDetail>(`/api/items/${id}`, signal) });
}

export default function ItemPage() {
  const { id } = useParams();
  const { t } = useTranslation('item');
  const user = useUser();
  const item = useItem(id);
  const deptName = useDepartmentName();
  const leaders = useLeaders();
  const template = useTemplate(item.data?.kind);
  const now = useNow();
  const d = item.data;
  const taskLights = d?.tasks.filter((x) => !['cancelled', 'transferred'].includes(x.status)).map((x) => effectiveLight(x, now)) ?? [];
  const itemLight = d ? worstLight([d.light, ...taskLights]) : 'green';
  const done = d ? ['completed', 'cancelled', 'archived'].includes(d.status) : false;
  const leaderName = d ? (leaders.data?.find((l) => l.id === d.issuedBy)?.displayName ?? '—') : '—';
  const departmentOf = (taskId: string | null) => {
    const task = d?.tasks.find((x) => x.id === taskId);
    return task ? deptName(task.departmentId) : null;
  };
  const reader = ['supervisor', 'leader', 'auditor'].includes(user.role);

  return (
    <PageContainer
      title={<span className="wrap-anywhere">{d?.title ?? ''}</span>}
      subTitle={
        d && (
          <Space size={[8, 4]} wrap>
            <Typography.Text type="secondary">{d.code}</Typography.Text>
            <Tag>{t(`common:kinds.${d.kind}`)}</Tag>
            <ItemStatusTag status={d.status} />
            <LightBadge light={itemLight} testId="item-light" />
            {d.public && <Tag color="cyan">{t('public')}</Tag>}
          </Space>
        )
      }
      extra={d && <ItemActions item={d} role={user.role} />}
      loading={item.isPending}
      error={item.error}
      onRetry={() => void item.refetch()}
    >
      {d && (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={16}>
            <MergedBanner item={d} role={user.role} />
            <Card size="small" title={t('overview')} className="section">
              <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
                <Descriptions.Item label={t('issuedBy')}>{leaderName}</Descriptions.Item>
                <Descriptions.Item label={t('dueAt')}>
                  <Space size={8} wrap>
                    <DateTime iso={d.dueAt} />
                    <Countdown to={d.dueAt} done={done} />
                  </Space>
                </Descriptions.Item>
                <Descriptions.Item label={t('createdAt')}>
                  <DateTime iso={d.createdAt} />
                </Descriptions.Item>
                {d.completedAt && (
                  <Descriptions.Item label={t('completedAt')}>
                    <DateTime iso={d.completedAt} />
                  </Descriptions.Item>
                )}
                {d.cancelledAt && (
                  <Descriptions.Item label={t('cancelledAt')}>
                    <DateTime iso={d.cancelledAt} />
                  </Descriptions.Item>
                )}
                {d.source && <Descriptions.Item label={t('source')}>{d.source}</Descriptions.Item>}
              </Descriptions>
              {d.description && <Typography.Paragraph className="pre-wrap wrap-anywhere item-description">{d.description}</Typography.Paragraph>}
            </Card>
            <Typography.Title level={2} className="section-title">
              {t('tasks')}
            </Typography.Title>
            {d.tasks.length === 0 && <Empty description={t('noTasks')} />}
            <div className="card-list">
              {d.tasks.map((task) => (
                <TaskCard
                  key={task.id}
                  task={task}
                  actions={
                    user.role === 'department' ? (
                      <Link to={`/items/${d.id}/tasks/${task.id}`}>
                        <Button type="primary">{t('openTask')}</Button>
                      </Link>
                    ) : (
                      <SupervisorTaskActions task={task} role={user.role} />
                    )
                  }
                >
                  <Collapse
                    size="small"
                    ghost
                    defaultActiveKey={task.status === 'submitted' ? ['reports'] : []}
                    items={[{ key: 'reports', label: t('reports'), children: <TaskReports entries={d.timeline.filter((e) => e.taskId === task.id)} schema={template.data?.completionFields} /> }]}
                  />
                </TaskCard>
              ))}
            </div>
            <MergedDuplicatesCard item={d} />
            <SimilarItemsCard item={d} role={user.role} />
            <SharedDepartments shared={(d.departments ?? []).filter((x) => !d.tasks.some((task) => task.id === x.taskId))} />
          </Col>
          <Col xs={24} xl={8}>
            <Card size="small" title={t('instructions')} className="section instructions">
              {(d.instructions ?? []).length === 0 ? (
                <Typography.Text type="secondary">{t('noInstructions')}</Typography.Text>
              ) : (
                <List
                  size="small"
                  dataSource={d.instructions}
                  renderItem={(x) => (
                    <List.Item key={x.id}>
                      <div>
                        <div className="pre-wrap wrap-anywhere">{x.text}</div>
                        <Typography.Text type="secondary">
                          {x.actor.name} · <DateTime iso={x.at} />
                        </Typography.Text>
                      </div>
                    </List.Item>
                  )}
                />
              )}
            </Card>
            <AccountabilityCard item={d} role={user.role} />
            <AttachmentsCard itemId={d.id} uploadTo={user.role === 'supervisor' || user.role === 'leader' ? {} : undefined} departmentOf={departmentOf} />
            <Card size="small" className="section">
              <Tabs
                items={[
                  { key: 'timeline', label: t('timeline'), children: <ItemTimeline entries={d.timeline} departmentOf={departmentOf} /> },
                  ...(reader ? [{ key: 'history', label: t('history'), children: <History itemId={d.id} /> }] : []),
                ]}
              />
            </Card>
          </Col>
        </Row>
      )}
    </PageContainer>
  );
}

interface HistoryLine {
  seq: number;
  at: string;
  text: string;
  action: string;
}

/** Temporal's history of the item and its tasks, in plain words (the API words it in the user's language). */
function History({ itemId }: { itemId: string }) {
  const lang = currentLang();
  const history = useQuery({
    queryKey: [...keys.itemHistory(itemId), lang],
    queryFn: ({ signal }) => get<{ events: HistoryLine[] }>(`/api/items/${itemId}/history?lang=${lang}`, signal),
  });
  if (history.isPending) return <Typography.Text type="secondary">…</Typography.Text>;
  if (history.error) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <ol className="history-lines">
      {history.data.events.map((e) => (
        <li key={e.seq} data-action={e.action}>
          <Flex vertical>
            <Typography.Text type="secondary">
              <DateTime iso={e.at} />
            </Typography.Text>
            <span className="wrap-anywhere">{e.text}</span>
          </Flex>
        </li>
      ))}
    </ol>
  );
}
