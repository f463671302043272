/** The supervisor's and leader's actions on an item and its tasks, each a small form posting one route. */
import { Alert, DatePicker, Form, Input, Radio, Switch } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { ItemDetail, Role, Task } from '../../api/types';
import { ActionModal } from '../../components/ActionModal';
import { DepartmentTreeSelect } from '../../components/DepartmentTree';

const iso = (d: Dayjs) => d.toDate().toISOString().replace(/\.\d{3}Z$/, 'Z');
const past = (d: Dayjs) => d.isBefore(dayjs().startOf('day'));
export const OPEN_STATUSES = ['assigned', 'signed', 'in_progress', 'submitted'];

function useRules() {
  const { t } = useTranslation('item');
  return {
    required: { required: true, whitespace: true, message: t('common:required') },
    future: { validator: (_: unknown, v: Dayjs | null) => (!v || v.isAfter(dayjs()) ? Promise.resolve() : Promise.reject(new Error(t('launch:mustBeFuture')))) },
  };
}

/** The buttons for one task, by role and the task's state. */
export function SupervisorTaskActions({ task, role }: { task: Task; role: Role }) {
  const { t } = useTranslation('item');
  const rules = useRules();
  const supervisor = role === 'supervisor';
  const open = OPEN_STATUSES.includes(task.status);
  return (
    <>
      {supervisor && task.status === 'submitted' && (
        <ActionModal<{ decision: 'accept' | 'return'; comment?: string }, { decision: string; comment: string }>
          label={t('actions.review')}
          path={`/api/tasks/${task.id}/review`}
          button={{ type: 'primary' }}
          initialValues={{ decision: 'accept' }}
          toBody={(v) => ({ decision: v.decision, comment: v.comment?.trim() ?? '' })}
        >
          <Form.Item name="decision" label={t('actions.decision')}>
            <Radio.Group>
              <Radio value="accept">{t('actions.accept')}</Radio>
              <Radio value="return">{t('actions.return')}</Radio>
            </Radio.Group>
          </Form.Item>
          <Form.Item noStyle dependencies={['decision']}>
            {({ getFieldValue }) => (
              <Form.Item
                name="comment"
                label={t('actions.comment')}
                rules={getFieldValue('decision') === 'return' ? [{ required: true, whitespace: true, message: t('actions.commentReturn') }] : []}
              >
                <Input.TextArea rows={3} maxLength={5000} />
              </Form.Item>
            )}
          </Form.Item>
        </ActionModal>
      )}
      {supervisor && task.pendingExtension && (
        <ActionModal<{ approve: boolean; comment?: string }, { approve: boolean; comment?: string }>
          label={t('actions.extensionDecision')}
          path={`/api/tasks/${task.id}/extension-decision`}
          initialValues={{ approve: true }}
          toBody={(v) => ({ approve: v.approve, ...(v.comment?.trim() ? { comment: v.comment.trim() } : {}) })}
        >
          <Form.Item name="approve" label={t('actions.decision')}>
            <Radio.Group>
              <Radio value={true}>{t('actions.approve')}</Radio>
              <Radio value={false}>{t('actions.deny')}</Radio>
            </Radio.Group>
          </Form.Item>
          <Form.Item name="comment" label={t('actions.comment')}>
            <Input.TextArea rows={2} maxLength={5000} />
          </Form.Item>
        </ActionModal>
      )}
      {supervisor && task.pendingTransfer && (
        <ActionModal<{ approve: boolean; departmentId?: string; comment?: string }, { approve: boolean; departmentId?: string; comment?: string }>
          label={t('actions.transferDecision')}
          path={`/api/tasks/${task.id}/transfer-decision`}
          initialValues={{ approve: true, departmentId: task.pendingTransfer.suggestedDepartmentId ?? undefined }}
          toBody={(v) => ({ approve: v.approve, ...(v.approve && v.departmentId ? { departmentId: v.departmentId } : {}), ...(v.comment?.trim() ? { comment: v.comment.trim() } : {}) })}
        >
          <Form.Item name="approve" label={t('actions.decision')}>
            <Radio.Group>
              <Radio value={true}>{t('actions.approve')}</Radio>
              <Radio value={false}>{t('actions.deny')}</Radio>
            </Radio.Group>
          </Form.Item>
          <Form.Item name="departmentId" label={t('actions.toDepartment')}>
            <DepartmentTreeSelect allowClear exclude={[task.departmentId]} />
          </Form.Item>
          <Form.Item name="comment" label={t('actions.comment')}>
            <Input.TextArea rows={2} maxLength={5000} />
          </Form.Item>
        </ActionModal>
      )}
      {(supervisor || role === 'leader') && open && (
        <ActionModal<{ message: string }, { message: string }>
          label={t('actions.urge')}
          path={`/api/tasks/${task.id}/urge`}
          button={{ danger: true }}
          initialValues={{ message: t('actions.urgeDefault') }}
          toBody={(v) => ({ message: v.message.trim() })}
        >
          <Form.Item name="message" label={t('actions.urgeMessage')} rules={[rules.required]}>
            <Input.TextArea rows={3} maxLength={5000} />
          </Form.Item>
        </ActionModal>
      )}
    </>
  );
}

/** Item-wide actions: cancel, disclosure, add an assisting department, change the deadline, instruction. */
export function ItemActions({ item, role }: { item: ItemDetail; role: Role }) {
  const { t } = useTranslation('item');
  const rules = useRules();
  const supervisor = role === 'supervisor';
  const open = item.status === 'launched' || item.status === 'in_progress';
  return (
    <>
      {(supervisor || role === 'leader') && (
        <ActionModal<{ text: string }, { text: string }> label={t('actions.instruct')} path={`/api/items/${item.id}/instructions`} toBody={(v) => ({ text: v.text.trim() })}>
          <Form.Item name="text" label={t('actions.instructionText')} rules={[rules.required]}>
            <Input.TextArea rows={4} maxLength={5000} />
          </Form.Item>
        </ActionModal>
      )}
      {supervisor && open && (
        <ActionModal<{ departmentId: string; dueAt?: Dayjs }, { departmentId: string; dueAt?: string }>
          label={t('actions.addAssist')}
          path={`/api/items/${item.id}/assist`}
          toBody={(v) => ({ departmentId: v.departmentId, ...(v.dueAt ? { dueAt: iso(v.dueAt) } : {}) })}
        >
          <Form.Item name="departmentId" label={t('actions.assistDepartment')} rules={[{ required: true, message: t('common:required') }]}>
            <DepartmentTreeSelect exclude={item.tasks.filter((x) => OPEN_STATUSES.includes(x.status)).map((x) => x.departmentId)} />
          </Form.Item>
          <Form.Item name="dueAt" label={t('actions.assistDue')} rules={[rules.future]}>
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" disabledDate={past} />
          </Form.Item>
        </ActionModal>
      )}
      {supervisor && open && (
        <ActionModal<{ dueAt: Dayjs; reason: string }, { dueAt: string; reason: string }>
          label={t('actions.changeDeadline')}
          path={`/api/items/${item.id}/deadline`}
          initialValues={{ dueAt: dayjs(item.dueAt) }}
          toBody={(v) => ({ dueAt: iso(v.dueAt), reason: v.reason.trim() })}
        >
          <Form.Item name="dueAt" label={t('actions.newDeadline')} rules={[{ required: true, message: t('common:required') }, rules.future]}>
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" disabledDate={past} />
          </Form.Item>
          <Form.Item name="reason" label={t('actions.deadlineReason')} rules={[rules.required]}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        </ActionModal>
      )}
      {supervisor && (
        <ActionModal<{ public: boolean; reason?: string }, { public: boolean; reason?: string }>
          label={t('actions.publicFlag')}
          path={`/api/items/${item.id}/public`}
          initialValues={{ public: !item.public }}
          toBody={(v) => ({ public: v.public, ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}) })}
        >
          <Form.Item name="public" label={item.public ? t('actions.makePrivate') : t('actions.makePublic')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="reason" label={t('actions.publicReason')}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        </ActionModal>
      )}
      {supervisor && open && (
        <ActionModal<{ reason: string }, { reason: string }>
          label={t('actions.cancel')}
          path={`/api/items/${item.id}/cancel`}
          button={{ danger: true }}
          okText={t('actions.cancel')}
          intro={<Alert type="warning" showIcon title={t('actions.cancelConfirm')} className="form-error" />}
          toBody={(v) => ({ reason: v.reason.trim() })}
        >
          <Form.Item name="reason" label={t('actions.cancelReason')} rules={[rules.required]}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        </ActionModal>
      )}
    </>
  );
}
