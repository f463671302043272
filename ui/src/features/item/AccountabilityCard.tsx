/**
 * Accountability (问责) on the item page: the actions on the item's tasks (withdrawn ones marked),
 * each with its trail; supervisors and leaders record one against a task that is red, was red or
 * was completed overdue, revise it and withdraw it. The API decides; the forms show its reasons.
 */
import { useQuery } from '@tanstack/react-query';
import { Card, DatePicker, Descriptions, Empty, Form, Input, List, Select, Space, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { get } from '../../api/client';
import { keys } from '../../api/keys';
import { useDepartmentName } from '../../api/queries';
import { ACCOUNTABILITY_KINDS, type AccountabilityAction, type AccountabilityKind, type ItemDetail, type Role, type Task } from '../../api/types';
import { currentLang } from '../../app/i18n';
import { ActionModal } from '../../components/ActionModal';
import { DateTime } from '../../components/DateTime';

interface FormValues {
  kind: AccountabilityKind;
  personName: string;
  departmentId: string;
  reason: string;
  decision: string;
  decidedAt: Dayjs;
}

const iso = (d: Dayjs) => d.toDate().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A task that may be held to account, as the API's rule has it (domain/accountability.ts). */
export function accountable(task: Task): boolean {
  return !['transferred', 'cancelled'].includes(task.status) && (task.light === 'red' || task.redEver || task.outcome === 'overdue');
}

function ActionFields({ departments }: { departments: { id: string; name: string }[] }) {
  const { t } = useTranslation('item');
  const required = { required: true, whitespace: true, message: t('common:required') };
  return (
    <>
      <Form.Item name="kind" label={t('accountability.kind')} rules={[{ required: true, message: t('common:required') }]}>
        <Select options={ACCOUNTABILITY_KINDS.map((k) => ({ value: k, label: t(`accountability.kinds.${k}`) }))} />
      </Form.Item>
      <Form.Item name="departmentId" label={t('accountability.department')} rules={[{ required: true, message: t('common:required') }]}>
        <Select options={departments.map((d) => ({ value: d.id, label: d.name }))} />
      </Form.Item>
      <Form.Item name="personName" label={t('accountability.person')} rules={[required]}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="reason" label={t('accountability.reason')} rules={[required]}>
        <Input.TextArea rows={3} maxLength={4000} />
      </Form.Item>
      <Form.Item name="decision" label={t('accountability.decision')} rules={[required]}>
        <Input.TextArea rows={2} maxLength={4000} />
      </Form.Item>
      <Form.Item name="decidedAt" label={t('accountability.decidedAt')} rules={[{ required: true, message: t('common:required') }]}>
        <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" disabledDate={(d) => d.isAfter(dayjs().endOf('day'))} />
      </Form.Item>
    </>
  );
}

const toBody = (v: FormValues) => ({ ...v, personName: v.personName.trim(), reason: v.reason.trim(), decision: v.decision.trim(), decidedAt: iso(v.decidedAt) });

export function AccountabilityCard({ item, role }: { item: ItemDetail; role: Role }) {
  const { t } = useTranslation('item');
  const lang = currentLang();
  const deptName = useDepartmentName();
  const list = useQuery({
    queryKey: keys.itemAccountability(item.id),
    queryFn: ({ signal }) => get<{ items: AccountabilityAction[] }>(`/api/items/${item.id}/accountability`, signal),
  });
  const decides = role === 'supervisor' || role === 'leader';
  const shared = item.departments ?? item.tasks.map((x) => ({ departmentId: x.departmentId }));
  const departments = [...new Set(shared.map((x) => x.departmentId))].map((id) => ({ id, name: deptName(id) }));
  const targets = decides ? item.tasks.filter(accountable) : [];
  const actions = list.data?.items ?? [];

  return (
    <Card size="small" title={t('accountability.title')} className="section accountability" data-testid="accountability">
      {targets.length > 0 && (
        <Space wrap className="accountability-record">
          {targets.map((task) => (
            <ActionModal<FormValues, ReturnType<typeof toBody>>
              key={task.id}
              label={t('accountability.record', { department: deptName(task.departmentId) })}
              path={`/api/tasks/${task.id}/accountability`}
              button={{ danger: true }}
              initialValues={{ kind: 'interview', departmentId: task.departmentId, decidedAt: dayjs() }}
              toBody={toBody}
            >
              <ActionFields departments={departments} />
            </ActionModal>
          ))}
        </Space>
      )}
      {actions.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={list.isPending ? '…' : t('accountability.none')} />
      ) : (
        <List
          size="small"
          dataSource={actions}
          renderItem={(a) => (
            <List.Item key={a.id} data-accountability={a.id}>
              <div className="accountability-action">
                <Space size={8} wrap>
                  <Tag color={a.status === 'withdrawn' ? 'default' : 'red'}>{t(`accountability.kinds.${a.kind}`)}</Tag>
                  {a.status === 'withdrawn' && <Tag>{t('accountability.withdrawn')}</Tag>}
                  <Typography.Text strong>
                    {a.departmentName} · {a.personName}
                  </Typography.Text>
                  <Typography.Text type="secondary">
                    <DateTime iso={a.decidedAt} />
                  </Typography.Text>
                </Space>
                <Descriptions size="small" column={1}>
                  <Descriptions.Item label={t('accountability.reason')}>
                    <span className="pre-wrap wrap-anywhere">{a.reason}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('accountability.decision')}>
                    <span className="pre-wrap wrap-anywhere">{a.decision}</span>
                  </Descriptions.Item>
                </Descriptions>
                <ul className="accountability-trail">
                  {a.trail.map((e, i) => (
                    <li key={i}>
                      <Typography.Text type="secondary">
                        <DateTime iso={e.at} /> · {e.actor.name}：{lang === 'zh' ? e.text.zh : e.text.en}
                      </Typography.Text>
                    </li>
                  ))}
                </ul>
                {decides && a.status === 'active' && (
                  <Space wrap>
                    <ActionModal<FormValues, ReturnType<typeof toBody>>
                      label={t('accountability.revise')}
                      method="PATCH"
                      path={`/api/accountability/${a.id}`}
                      button={{ size: 'small' }}
                      initialValues={{ kind: a.kind, departmentId: a.departmentId, personName: a.personName, reason: a.reason, decision: a.decision, decidedAt: dayjs(a.decidedAt) }}
                      toBody={toBody}
                    >
                      <ActionFields departments={departments} />
                    </ActionModal>
                    <ActionModal<{ reason: string }, { reason: string }>
                      label={t('accountability.withdraw')}
                      path={`/api/accountability/${a.id}/withdraw`}
                      button={{ size: 'small', danger: true }}
                      toBody={(v) => ({ reason: v.reason.trim() })}
                    >
                      <Form.Item name="reason" label={t('accountability.withdrawReason')} rules={[{ required: true, whitespace: true, message: t('common:required') }]}>
                        <Input.TextArea rows={3} maxLength={2000} />
                      </Form.Item>
                    </ActionModal>
                  </Space>
                )}
              </div>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
