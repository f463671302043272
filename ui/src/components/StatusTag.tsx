import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ItemStatus, Outcome, TaskStatus } from '../api/types';

const TASK_COLOR: Record<TaskStatus, string> = {
  assigned: 'gold',
  signed: 'blue',
  in_progress: 'processing',
  submitted: 'purple',
  accepted: 'success',
  transferred: 'default',
  cancelled: 'default',
};
const ITEM_COLOR: Record<ItemStatus, string> = {
  launched: 'gold',
  in_progress: 'processing',
  completed: 'success',
  archived: 'default',
  cancelled: 'default',
};
const OUTCOME_COLOR = { on_time: 'success', overdue: 'error', postponed: 'warning' } as const;

export function TaskStatusTag({ status }: { status: TaskStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={TASK_COLOR[status]} data-testid="task-status" data-status={status}>
      {t(`taskStatus.${status}`)}
    </Tag>
  );
}

export function ItemStatusTag({ status }: { status: ItemStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={ITEM_COLOR[status]} data-testid="item-status" data-status={status}>
      {t(`itemStatus.${status}`)}
    </Tag>
  );
}

export function OutcomeTag({ outcome }: { outcome: Outcome }) {
  const { t } = useTranslation();
  if (!outcome) return null;
  return <Tag color={OUTCOME_COLOR[outcome]}>{t(`outcomes.${outcome}`)}</Tag>;
}
