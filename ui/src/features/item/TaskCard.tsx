/** One department task as a card: light (self-flipping, with its reason), countdown, both due dates, outcome, assignee, progress. */
import { Card, Descriptions, Flex, Progress, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useDepartmentName } from '../../api/queries';
import type { Task } from '../../api/types';
import { currentLang } from '../../app/i18n';
import { useNow } from '../../app/clock';
import { Countdown } from '../../components/Countdown';
import { DateTime } from '../../components/DateTime';
import { LightBadge } from '../../components/LightBadge';
import { TaskRiskBadge } from '../../components/RiskBadge';
import { OutcomeTag, TaskStatusTag } from '../../components/StatusTag';
import { effectiveLight } from '../../lib/light';

const CLOSED = ['accepted', 'cancelled', 'transferred'];

export function TaskCard({ task, actions, children }: { task: Task; actions?: ReactNode; children?: ReactNode }) {
  const { t } = useTranslation('item');
  const deptName = useDepartmentName();
  const lang = currentLang();
  const now = useNow();
  const shown = effectiveLight(task, now);
  const reason = task.lightReason ? (lang === 'zh' ? (task.lightReason.zh ?? task.lightReason.en) : task.lightReason.en) : null;
  const closed = CLOSED.includes(task.status);
  const assignee = task.assignee?.name ?? null;
  return (
    <Card
      size="small"
      className={`task task-${shown}`}
      data-task-id={task.id}
      data-department-id={task.departmentId}
      title={
        <Flex gap={8} wrap align="center" className="task-title">
          <Typography.Text strong className="wrap-anywhere">
            {deptName(task.departmentId)}
          </Typography.Text>
          <Tag>{t(`common:taskRole.${task.role}`)}</Tag>
          <TaskStatusTag status={task.status} />
          {!closed && shown !== 'red' && <TaskRiskBadge taskId={task.id} />}
        </Flex>
      }
      extra={<LightBadge light={task.light} clock={task} reason={task.lightReason} testId="task-light" />}
    >
      <article className="task-body">
        <Space size={[12, 4]} wrap className="task-due">
          <span>
            {t('currentDue')}: <DateTime iso={task.dueAt} />
          </span>
          <Countdown to={task.dueAt} done={closed || task.status === 'submitted'} />
          {task.originalDueAt !== task.dueAt && (
            <Typography.Text type="secondary">
              {t('originalDue')}: <DateTime iso={task.originalDueAt} />
            </Typography.Text>
          )}
        </Space>
        {reason && shown === task.light && (
          <div className="light-reason" data-testid="light-reason">
            <Typography.Text type="secondary">{t('common:lightReason')}{t('common:colon')}</Typography.Text>
            {reason}
          </div>
        )}
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} className="task-facts">
          {task.status === 'assigned' && (
            <Descriptions.Item label={t('signDue')}>
              <DateTime iso={task.signDueAt} />
            </Descriptions.Item>
          )}
          <Descriptions.Item label={t('assignee')}>{assignee ?? <Typography.Text type="secondary">{t('noAssignee')}</Typography.Text>}</Descriptions.Item>
          {task.lastReportAt && (
            <Descriptions.Item label={t('lastReport')}>
              <DateTime iso={task.lastReportAt} />
            </Descriptions.Item>
          )}
          {task.outcome && (
            <Descriptions.Item label={t('outcome')}>
              <span data-testid="task-outcome">
                <OutcomeTag outcome={task.outcome} />
              </span>
            </Descriptions.Item>
          )}
          {(task.urgeCount ?? 0) > 0 && <Descriptions.Item label={t('actions.urge')}>{t('urges', { count: task.urgeCount })}</Descriptions.Item>}
          {(task.returnCount ?? 0) > 0 && <Descriptions.Item label={t('actions.return')}>{t('returns', { count: task.returnCount })}</Descriptions.Item>}
        </Descriptions>
        {typeof task.percent === 'number' && (
          <Flex align="center" gap={8} className="task-percent">
            <Typography.Text type="secondary">{t('percent')}</Typography.Text>
            <Progress percent={task.percent} size="small" style={{ flex: 1, margin: 0 }} aria-label={t('percent')} format={() => <span data-testid="task-percent">{task.percent}%</span>} />
          </Flex>
        )}
        {task.pendingExtension && (
          <div className="pending" data-testid="pending-extension">
            <Tag color="orange">{t('pendingExtension')}</Tag> {t('newDueAt')} <DateTime iso={task.pendingExtension.newDueAt} /> · <span className="wrap-anywhere">{task.pendingExtension.reason}</span>
          </div>
        )}
        {task.pendingTransfer && (
          <div className="pending" data-testid="pending-transfer">
            <Tag color="orange">{t('pendingTransfer')}</Tag>
            {task.pendingTransfer.suggestedDepartmentId && (
              <>
                {t('suggested')}: {deptName(task.pendingTransfer.suggestedDepartmentId)} ·{' '}
              </>
            )}
            <span className="wrap-anywhere">{task.pendingTransfer.reason}</span>
          </div>
        )}
        {children}
        {actions && (
          <Flex gap={8} wrap className="task-actions">
            {actions}
          </Flex>
        )}
      </article>
    </Card>
  );
}
