/**
 * Who hears what, and when: every user's own channel and quiet hours
 * (PUT /api/me/notification-preferences) and, for admins, each department's e-mail and group robots
 * (PUT /api/departments/:id/notification-channels). Saved answers become the form again.
 */
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Flex, Form, Input, Radio, Select, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get } from '../api/client';
import { useDepartments } from '../api/queries';
import type { DepartmentChannels, NotificationPreferences } from '../api/types';
import { useApiForm } from '../api/useApiForm';
import { useUser } from '../app/session';
import { FormError, PageContainer } from '../components/PageContainer';

type QuietHours = Pick<NotificationPreferences, 'timeZone' | 'quietStart' | 'quietEnd' | 'digestTime'>;
const blankToNull = (v: string | null | undefined) => (v ? v : null);

export default function NotificationSettingsPage() {
  const { t } = useTranslation('settings');
  const user = useUser();
  return (
    <PageContainer title={t('title')}>
      <Flex vertical gap={16} className="settings">
        <MyPreferences />
        {user.role === 'admin' && <DepartmentChannelsForm />}
      </Flex>
    </PageContainer>
  );
}

function QuietHoursFields() {
  const { t } = useTranslation('settings');
  return (
    <Flex gap={12} wrap>
      <Form.Item name="timeZone" label={t('timeZone')}>
        <Input style={{ width: 200 }} />
      </Form.Item>
      <Form.Item name="quietStart" label={t('quietStart')}>
        <Input type="time" style={{ width: 130 }} />
      </Form.Item>
      <Form.Item name="quietEnd" label={t('quietEnd')}>
        <Input type="time" style={{ width: 130 }} />
      </Form.Item>
      <Form.Item name="digestTime" label={t('digestTime')}>
        <Input type="time" style={{ width: 130 }} />
      </Form.Item>
    </Flex>
  );
}

function MyPreferences() {
  const { t } = useTranslation('settings');
  const [form] = Form.useForm<NotificationPreferences>();
  const [saved, setSaved] = useState(false);
  const prefs = useQuery({ queryKey: ['me', 'notification-preferences'], queryFn: ({ signal }) => get<NotificationPreferences>('/api/me/notification-preferences', signal) });
  useEffect(() => {
    if (prefs.data) form.setFieldsValue(prefs.data);
  }, [prefs.data, form]);
  const { submit, pending, formError } = useApiForm<NotificationPreferences, NotificationPreferences>({
    method: 'PUT',
    path: '/api/me/notification-preferences',
    form,
    onSuccess: (answer) => {
      form.setFieldsValue(answer);
      setSaved(true);
    },
  });
  return (
    <Card title={t('mine')} loading={prefs.isPending}>
      <Typography.Paragraph type="secondary">{t('mineHint')}</Typography.Paragraph>
      <Form<NotificationPreferences>
        form={form}
        layout="vertical"
        name="np"
        data-form="my-notifications"
        aria-label={t('mine')}
        onValuesChange={() => setSaved(false)}
        onFinish={(v) =>
          void submit({ ...v, email: v.email?.trim() || null, quietStart: blankToNull(v.quietStart), quietEnd: blankToNull(v.quietEnd), digestTime: blankToNull(v.digestTime) })
        }
      >
        <Form.Item name="language" label={t('language')}>
          <Radio.Group>
            <Radio value="zh">{t('languages.zh')}</Radio>
            <Radio value="en">{t('languages.en')}</Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="email" label={t('email')} rules={[{ type: 'email', message: t('emailInvalid') }]}>
          <Input type="email" autoComplete="email" />
        </Form.Item>
        <Form.Item name="emailEnabled" valuePropName="checked">
          <Checkbox>{t('emailEnabled')}</Checkbox>
        </Form.Item>
        <Form.Item name="smsEnabled" valuePropName="checked" extra={prefs.data && !prefs.data.hasPhone ? t('smsNoPhone') : undefined}>
          <Checkbox disabled={prefs.data ? !prefs.data.hasPhone : false}>{t('smsEnabled')}</Checkbox>
        </Form.Item>
        <QuietHoursFields />
        <FormError message={formError} />
        {saved && <Alert type="success" showIcon title={t('saved')} className="form-error" />}
        <Button type="primary" htmlType="submit" loading={pending}>
          {t('common:save')}
        </Button>
      </Form>
    </Card>
  );
}

function DepartmentChannelsForm() {
  const { t } = useTranslation('settings');
  const departments = useDepartments();
  const [picked, setPicked] = useState<string | undefined>();
  const departmentId = picked ?? departments.data?.[0]?.id;
  const [form] = Form.useForm<DepartmentChannels>();
  const [saved, setSaved] = useState(false);
  const channels = useQuery({
    queryKey: ['departments', departmentId, 'notification-channels'],
    enabled: !!departmentId,
    queryFn: ({ signal }) => get<DepartmentChannels>(`/api/departments/${departmentId}/notification-channels`, signal),
  });
  useEffect(() => {
    if (channels.data) form.setFieldsValue(channels.data);
    setSaved(false);
  }, [channels.data, form]);
  const { submit, pending, formError } = useApiForm<Omit<DepartmentChannels, 'webhooks' | 'departmentId'>, DepartmentChannels>({
    method: 'PUT',
    path: `/api/departments/${departmentId}/notification-channels`,
    form,
    onSuccess: (answer) => {
      form.setFieldsValue(answer);
      setSaved(true);
    },
  });
  const webhooks = channels.data?.webhooks ?? [];
  return (
    <Card title={t('department')}>
      <Typography.Paragraph type="secondary">{t('departmentHint')}</Typography.Paragraph>
      <Form<DepartmentChannels & QuietHours>
        form={form}
        layout="vertical"
        name="dc"
        data-form="department-channels"
        aria-label={t('department')}
        onValuesChange={() => setSaved(false)}
        onFinish={(v) =>
          void submit({
            emailEnabled: v.emailEnabled,
            smsEnabled: v.smsEnabled,
            webhooksEnabled: v.webhooksEnabled,
            timeZone: v.timeZone,
            quietStart: blankToNull(v.quietStart),
            quietEnd: blankToNull(v.quietEnd),
            digestTime: blankToNull(v.digestTime),
          })
        }
      >
        <Form.Item label={t('pickDepartment')} htmlFor="dc-department">
          <Select
            id="dc-department"
            value={departmentId}
            onChange={setPicked}
            showSearch={{ optionFilterProp: 'label' }}
            options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
            style={{ maxWidth: 360 }}
          />
        </Form.Item>
        <Form.Item name="emailEnabled" valuePropName="checked" noStyle>
          <Checkbox>{t('deptEmail')}</Checkbox>
        </Form.Item>
        <br />
        <Form.Item name="smsEnabled" valuePropName="checked" noStyle>
          <Checkbox>{t('deptSms')}</Checkbox>
        </Form.Item>
        <br />
        <Form.Item name="webhooksEnabled" valuePropName="checked">
          <Checkbox>{t('deptWebhooks')}</Checkbox>
        </Form.Item>
        <QuietHoursFields />
        <Typography.Title level={3} className="section-title">
          {t('webhooks')}
        </Typography.Title>
        {webhooks.length === 0 ? (
          <Typography.Paragraph type="secondary">{t('noWebhooks')}</Typography.Paragraph>
        ) : (
          <ul className="webhooks">
            {webhooks.map((w) => (
              <li key={w.id} data-webhook-id={w.id}>
                <strong>{t(`robotKinds.${w.kind}`)}</strong> <Typography.Text type="secondary" className="wrap-anywhere">{w.url}</Typography.Text> · {w.enabled ? t('enabled') : t('disabled')}
                {w.hasSecret && <> · {t('signed')}</>}
              </li>
            ))}
          </ul>
        )}
        <FormError message={formError} />
        {saved && <Alert type="success" showIcon title={t('saved')} className="form-error" />}
        <Button type="primary" htmlType="submit" loading={pending} disabled={!channels.data}>
          {t('common:save')}
        </Button>
      </Form>
    </Card>
  );
}
