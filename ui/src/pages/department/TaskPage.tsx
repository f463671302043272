/**
 * A department's task, phone-first: the item in brief, the task card, and every action its state
 * allows as a full-width button (sign, progress, extension, transfer, assignee) with the completion
 * form from the template below. Every form shows the API's reason at the field and saves nothing on error.
 */
import { useQuery } from '@tanstack/react-query';
import { Alert, App, Card, DatePicker, Form, Input, InputNumber, Select, Space, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ApiError, get } from '../../api/client';
import { itemScoped } from '../../api/keys';
import { useTemplate } from '../../api/queries';
import type { Page, Task, User } from '../../api/types';
import { useApiForm } from '../../api/useApiForm';
import { ActionModal } from '../../components/ActionModal';
import { DepartmentTreeSelect } from '../../components/DepartmentTree';
import { PageContainer } from '../../components/PageContainer';
import { ItemStatusTag } from '../../components/StatusTag';
import { StatusResult } from '../../components/StatusResult';
import { AttachmentsCard } from '../../features/item/AttachmentsCard';
import { CompletionForm, type CompletionBody } from '../../features/item/CompletionForm';
import { TaskReports } from '../../features/item/reports';
import { TaskCard } from '../../features/item/TaskCard';
import { useItem } from '../items/ItemPage';
import { AppealTaskActions } from './AppealTaskActions';

const iso = (d: Dayjs) => d.toDate().toISOString().replace(/\.\d{3}Z$/, 'Z');
const WORKING = ['signed', 'in_progress'];
const OPEN = ['assigned', 'signed', 'in_progress', 'submitted'];

export default function TaskPage() {
  const { itemId, taskId } = useParams();
  const { t } = useTranslation('task');
  const item = useItem(itemId);
  const task = item.data?.tasks.find((x) => x.id === taskId);
  const template = useTemplate(item.data?.kind);
  const { message } = App.useApp();
  const complete = useApiForm<CompletionBody>({
    path: `/api/tasks/${taskId}/complete`,
    invalidate: itemScoped,
    onSuccess: () => void message.success(t('common:done')),
  });

  if (item.data && !task) return <StatusResult status="404" subTitle={t('notFound')} />;
  const d = item.data;
  // An appeal's lead task answers the citizen (reply) or returns it to dispatch, instead of the report and transfer.
  const appealLead = d?.kind === 'appeal' && task?.role === 'lead';
  return (
    <PageContainer
      title={<span className="wrap-anywhere">{d?.title ?? ''}</span>}
      subTitle={
        d && (
          <Space size={[8, 4]} wrap>
            <Typography.Text type="secondary">{d.code}</Typography.Text>
            <Tag>{t(`common:kinds.${d.kind}`)}</Tag>
            <ItemStatusTag status={d.status} />
          </Space>
        )
      }
      loading={item.isPending}
      error={item.error}
      onRetry={() => void item.refetch()}
    >
      {d && task && (
        <div className="task-page">
          {(d.description || d.source) && (
            <Card size="small" className="section">
              {d.source && <Typography.Text type="secondary">{d.source}</Typography.Text>}
              {d.description && <Typography.Paragraph className="pre-wrap wrap-anywhere item-description">{d.description}</Typography.Paragraph>}
            </Card>
          )}
          <TaskCard task={task} actions={<DepartmentActions task={task} appeal={appealLead} />} />
          {appealLead && <AppealTaskActions task={task} />}
          {task.status === 'submitted' && <Alert type="info" showIcon title={t('waitingReview')} className="section-gap" />}
          <div className="section-gap">
            <AttachmentsCard
              itemId={d.id}
              onlyTaskId={task.id}
              uploadTo={OPEN.includes(task.status) ? { taskId: task.id } : undefined}
            />
          </div>
          {WORKING.includes(task.status) && !appealLead && (
            <Card size="small" title={t('complete')} className="section-gap">
              <CompletionForm template={template.data?.completionFields} pending={complete.pending} error={complete.mutation.error} onSubmit={(body) => void complete.submit(body)} />
            </Card>
          )}
          <Card size="small" title={t('item:reports')} className="section-gap">
            <TaskReports entries={d.timeline.filter((e) => e.taskId === task.id)} schema={template.data?.completionFields} />
          </Card>
        </div>
      )}
    </PageContainer>
  );
}

function DepartmentActions({ task, appeal }: { task: Task; appeal: boolean }) {
  const { t } = useTranslation('task');
  const required = { required: true, whitespace: true, message: t('common:required') };
  const open = ['assigned', 'signed', 'in_progress'].includes(task.status);
  const laterThanDue = {
    validator: (_: unknown, v: Dayjs | null) =>
      !v ? Promise.resolve() : !v.isAfter(dayjs()) ? Promise.reject(new Error(t('mustBeFuture'))) : !v.isAfter(dayjs(task.dueAt)) ? Promise.reject(new Error(t('mustBeLater'))) : Promise.resolve(),
  };
  const block = { block: true, size: 'large' as const };
  return (
    <div className="department-actions">
      {task.status === 'assigned' && (
        <ActionModal<object, object> label={t('sign')} path={`/api/tasks/${task.id}/sign`} button={{ ...block, type: 'primary' }} okText={t('sign')} intro={<p>{t('signConfirm')}</p>} toBody={() => ({})}>
          {null}
        </ActionModal>
      )}
      {WORKING.includes(task.status) && (
        <ActionModal<{ text: string; percent?: number | null }, { text: string; percent?: number }>
          label={t('progress')}
          path={`/api/tasks/${task.id}/progress`}
          button={{ ...block, type: 'primary' }}
          initialValues={{ percent: task.percent ?? undefined }}
          toBody={(v) => ({ text: v.text.trim(), ...(typeof v.percent === 'number' ? { percent: v.percent } : {}) })}
        >
          <Form.Item name="text" label={t('progressText')} rules={[required]}>
            <Input.TextArea rows={4} maxLength={10000} />
          </Form.Item>
          <Form.Item name="percent" label={t('percent')}>
            <InputNumber min={0} max={100} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </ActionModal>
      )}
      {WORKING.includes(task.status) && !task.pendingExtension && (
        <ActionModal<{ newDueAt: Dayjs; reason: string }, { newDueAt: string; reason: string }>
          label={t('extension')}
          path={`/api/tasks/${task.id}/extension`}
          button={block}
          toBody={(v) => ({ newDueAt: iso(v.newDueAt), reason: v.reason.trim() })}
        >
          <Form.Item name="newDueAt" label={t('newDueAt')} rules={[{ required: true, message: t('common:required') }, laterThanDue]}>
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" disabledDate={(d) => d.isBefore(dayjs().startOf('day'))} style={{ width: '100%' }} inputReadOnly />
          </Form.Item>
          <Form.Item name="reason" label={t('extensionReason')} rules={[required]}>
            <Input.TextArea rows={3} maxLength={5000} />
          </Form.Item>
        </ActionModal>
      )}
      {open && !task.pendingTransfer && !appeal && (
        <ActionModal<{ reason: string; suggestedDepartmentId?: string }, { reason: string; suggestedDepartmentId?: string }>
          label={t('transfer')}
          path={`/api/tasks/${task.id}/transfer`}
          button={block}
          toBody={(v) => ({ reason: v.reason.trim(), ...(v.suggestedDepartmentId ? { suggestedDepartmentId: v.suggestedDepartmentId } : {}) })}
        >
          <Form.Item name="reason" label={t('transferReason')} rules={[required]}>
            <Input.TextArea rows={3} maxLength={5000} />
          </Form.Item>
          <Form.Item name="suggestedDepartmentId" label={t('suggestedDepartment')}>
            <DepartmentTreeSelect allowClear exclude={[task.departmentId]} />
          </Form.Item>
        </ActionModal>
      )}
      {open && <AssignAction task={task} />}
    </div>
  );
}

/** Assign a named person of the department; the staff list comes from GET /api/users when the role may read it. */
function AssignAction({ task }: { task: Task }) {
  const { t } = useTranslation('task');
  const staff = useQuery({
    queryKey: ['users', { departmentId: task.departmentId }],
    retry: false,
    staleTime: 5 * 60_000,
    queryFn: ({ signal }) => get<Page<User>>(`/api/users?departmentId=${task.departmentId}&pageSize=200`, signal),
  });
  const refused = staff.error instanceof ApiError && (staff.error.status === 403 || staff.error.status === 404);
  return (
    <ActionModal<{ userId: string }, { userId: string }>
      label={t('assign')}
      path={`/api/tasks/${task.id}/assignee`}
      button={{ block: true, size: 'large' }}
      initialValues={{ userId: task.assignee?.userId ?? task.assigneeId ?? undefined }}
      toBody={(v) => ({ userId: v.userId })}
      intro={refused ? <Alert type="info" showIcon title={t('noUserList')} className="form-error" /> : null}
    >
      <Form.Item name="userId" label={t('assignee')} rules={[{ required: true, message: t('common:required') }]}>
        <Select
          disabled={refused}
          loading={staff.isPending}
          showSearch={{ optionFilterProp: 'label' }}
          options={(staff.data?.items ?? []).filter((u) => u.departmentId === task.departmentId).map((u) => ({ value: u.id, label: u.displayName }))}
        />
      </Form.Item>
    </ActionModal>
  );
}
