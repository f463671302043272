/**
 * An appeal's lead task (kind `appeal`): the citizen's phone to call (this department reads it in
 * full), the reply with its contact record (POST /api/tasks/:id/reply) and the return of a
 * misrouted appeal to dispatch (退单, POST /api/tasks/:id/return). Phone-first, full-width buttons.
 */
import { useQuery } from '@tanstack/react-query';
import { Card, DatePicker, Form, Input, Select, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { get } from '../../api/client';
import type { Task } from '../../api/types';
import { ActionModal } from '../../components/ActionModal';
import { CONTACT_METHODS, type Appeal, type ContactMethod } from '../appeals/types';

const WORKING = ['signed', 'in_progress'];
const OPEN = ['assigned', ...WORKING];

interface ReplyValues {
  text: string;
  contactMethod: ContactMethod;
  contactedAt: Dayjs;
}

export function AppealTaskActions({ task }: { task: Task }) {
  const { t } = useTranslation('appeals');
  const appeal = useQuery({ queryKey: ['appeals', task.itemId], queryFn: ({ signal }) => get<Appeal>(`/api/appeals/${task.itemId}`, signal) });
  const required = { required: true, whitespace: true, message: t('common:required') };
  const block = { block: true, size: 'large' as const };
  const field = (f: string) => [f.replace(/^body\./, '')];
  return (
    <Card size="small" title={t('task.title')} className="section-gap">
      {appeal.data && (
        <Typography.Paragraph>
          {t('task.phone')}：<a href={`tel:${appeal.data.phone}`}>{appeal.data.phone}</a> {appeal.data.citizenName ?? ''}
        </Typography.Paragraph>
      )}
      <div className="department-actions">
        {WORKING.includes(task.status) && (
          <ActionModal<ReplyValues, { text: string; contactMethod: ContactMethod; contactedAt: string }>
            label={t('task.reply')}
            path={`/api/tasks/${task.id}/reply`}
            button={{ ...block, type: 'primary' }}
            initialValues={{ contactMethod: 'phone', contactedAt: dayjs() }}
            fieldName={field}
            toBody={(v) => ({ text: v.text.trim(), contactMethod: v.contactMethod, contactedAt: v.contactedAt.toDate().toISOString() })}
          >
            <Form.Item name="text" label={t('fields.replyText')} rules={[required]}>
              <Input.TextArea rows={4} maxLength={10000} />
            </Form.Item>
            <Form.Item name="contactMethod" label={t('fields.contactMethod')} rules={[{ required: true }]}>
              <Select options={CONTACT_METHODS.map((m) => ({ value: m, label: t(`contactMethods.${m}`) }))} />
            </Form.Item>
            <Form.Item name="contactedAt" label={t('fields.contactedAt')} rules={[{ required: true }]}>
              <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} inputReadOnly />
            </Form.Item>
          </ActionModal>
        )}
        {OPEN.includes(task.status) && !task.pendingTransfer && (
          <ActionModal<{ reason: string }, { reason: string }>
            label={t('task.return')}
            path={`/api/tasks/${task.id}/return`}
            button={{ ...block, danger: true }}
            intro={<p>{t('task.returnHint')}</p>}
            fieldName={field}
            toBody={(v) => ({ reason: v.reason.trim() })}
          >
            <Form.Item name="reason" label={t('fields.reason')} rules={[required]}>
              <Input.TextArea rows={3} maxLength={5000} />
            </Form.Item>
          </ActionModal>
        )}
      </div>
    </Card>
  );
}
