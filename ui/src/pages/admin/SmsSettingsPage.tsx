/**
 * 短信设置: the SMS provider (Alibaba Cloud) — endpoint, AccessKey (the secret write-only), sign name,
 * a template code per message type and language — a test send, and the recent SMS deliveries with
 * the provider's errors.
 */
import './admin.css';
import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, Switch, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, get } from '../../api/client';
import type { Page } from '../../api/types';
import { useApiForm } from '../../api/useApiForm';
import { errorText, FormError, PageContainer } from '../../components/PageContainer';

type Codes = { zh: string; en: string };
interface SmsSettings {
  enabled: boolean;
  endpoint: string;
  endpointOverride: string | null;
  accessKeyId: string;
  hasSecret: boolean;
  signName: string;
  templates: Record<string, Codes>;
  messageTypes: Array<{ type: string; zh: string; en: string }>;
}
type SettingsBody = Partial<Pick<SmsSettings, 'enabled' | 'endpoint' | 'accessKeyId' | 'signName' | 'templates'>> & { accessKeySecret?: string };
interface TestResult {
  sent: boolean;
  providerMessageId: string | null;
  error: { code: string; message: string } | null;
}
interface SmsDelivery {
  id: string;
  target: string;
  subject: string;
  status: 'pending' | 'held' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  updatedAt: string;
}

const KEY = ['sms-settings'];
const DELIVERIES = ['notification-deliveries', 'sms'];
const STATUS_COLOR = { pending: 'processing', held: 'default', sent: 'success', failed: 'error' } as const;

export default function SmsSettingsPage() {
  const { t } = useTranslation('admin');
  const settings = useQuery({ queryKey: KEY, queryFn: ({ signal }) => get<SmsSettings>('/api/sms-settings', signal) });
  return (
    <PageContainer title={t('sms.title')} subTitle={t('sms.hint')} loading={settings.isPending} error={settings.error}>
      <Flex vertical gap={16}>
        {settings.data && <SettingsForm settings={settings.data} />}
        <TestSend />
        <RecentDeliveries />
      </Flex>
    </PageContainer>
  );
}

function SettingsForm({ settings }: { settings: SmsSettings }) {
  const { t, i18n } = useTranslation('admin');
  const { message } = App.useApp();
  const [form] = Form.useForm<SettingsBody>();
  const save = useApiForm<SettingsBody, SmsSettings>({
    method: 'PUT',
    path: '/api/sms-settings',
    form,
    invalidate: [KEY],
    onSuccess: () => {
      form.setFieldValue('accessKeySecret', '');
      void message.success(t('common:saved'));
    },
  });
  const lang = i18n.language.startsWith('en') ? 'en' : 'zh';
  return (
    <Card size="small">
      <Form<SettingsBody>
        form={form}
        layout="vertical"
        name="sms"
        initialValues={{ ...settings, accessKeySecret: '' }}
        onFinish={(v) => void save.submit({ ...v, accessKeySecret: v.accessKeySecret || undefined })}
      >
        <Form.Item name="enabled" label={t('sms.enabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="endpoint" label={t('sms.endpoint')} extra={settings.endpointOverride ? t('sms.endpointOverride', { url: settings.endpointOverride }) : undefined}>
          <Input inputMode="url" />
        </Form.Item>
        <Flex gap={12} wrap>
          <Form.Item name="accessKeyId" label={t('sms.accessKeyId')} className="grow-field">
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="accessKeySecret" label={t('sms.accessKeySecret')} extra={settings.hasSecret ? t('sms.secretSet') : t('sms.secretUnset')} className="grow-field">
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item name="signName" label={t('sms.signName')} className="grow-field">
            <Input />
          </Form.Item>
        </Flex>
        <Typography.Title level={3} className="section-title">
          {t('sms.templates')}
        </Typography.Title>
        {settings.messageTypes.map((m) => (
          <div key={m.type} className="sms-template">
            <Typography.Text strong>{t(`sms.types.${m.type}`)}</Typography.Text>
            <Typography.Paragraph type="secondary" className="sms-template-text">
              {lang === 'en' ? m.en : m.zh}
            </Typography.Paragraph>
            <Flex gap={12} wrap>
              <Form.Item name={['templates', m.type, 'zh']} label={t('sms.codeZh')} className="grow-field">
                <Input placeholder="SMS_123456789" autoComplete="off" />
              </Form.Item>
              <Form.Item name={['templates', m.type, 'en']} label={t('sms.codeEn')} className="grow-field">
                <Input placeholder="SMS_123456789" autoComplete="off" />
              </Form.Item>
            </Flex>
          </div>
        ))}
        <FormError message={save.formError} />
        <Button type="primary" htmlType="submit" loading={save.pending}>
          {t('common:save')}
        </Button>
      </Form>
    </Card>
  );
}

function TestSend() {
  const { t } = useTranslation('admin');
  const [phone, setPhone] = useState('');
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<TestResult | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const send = async () => {
    setPending(true);
    setResult(null);
    setFailure(null);
    try {
      setResult(await api<TestResult>('POST', '/api/sms-settings/test', { body: { phone: phone.trim() } }));
    } catch (e) {
      setFailure(errorText(e, t));
    } finally {
      setPending(false);
    }
  };
  return (
    <Card size="small" title={t('sms.testTitle')}>
      <Flex gap={8} wrap>
        <Input type="tel" inputMode="tel" aria-label={t('sms.testPhone')} placeholder={t('sms.testPhone')} value={phone} onChange={(e) => setPhone(e.target.value)} style={{ maxWidth: 220 }} />
        <Button onClick={() => void send()} loading={pending} disabled={!phone.trim()}>
          {t('sms.testSend')}
        </Button>
      </Flex>
      {result?.sent && <Alert className="form-error" type="success" showIcon title={t('sms.testSent', { id: result.providerMessageId })} />}
      {result && !result.sent && <Alert className="form-error" type="error" showIcon title={t('sms.testFailed', { code: result.error?.code, message: result.error?.message })} />}
      {failure && <Alert className="form-error" type="error" showIcon title={failure} />}
    </Card>
  );
}

function RecentDeliveries() {
  const { t } = useTranslation('admin');
  const deliveries = useQuery({
    queryKey: DELIVERIES,
    queryFn: ({ signal }) => get<Page<SmsDelivery>>('/api/notification-deliveries?channel=sms&pageSize=20', signal),
  });
  const columns: TableColumnsType<SmsDelivery> = [
    { title: t('sms.status'), dataIndex: 'status', key: 'status', render: (s: SmsDelivery['status']) => <Tag color={STATUS_COLOR[s]}>{t(`sms.statuses.${s}`)}</Tag> },
    { title: t('sms.target'), dataIndex: 'target', key: 'target' },
    { title: t('sms.message'), dataIndex: 'subject', key: 'subject', render: (s: string) => <span className="wrap-anywhere">{s}</span> },
    { title: t('sms.attempts'), dataIndex: 'attempts', key: 'attempts' },
    { title: t('sms.lastError'), dataIndex: 'lastError', key: 'lastError', render: (e: string | null) => (e ? <Typography.Text type="danger">{e}</Typography.Text> : '—') },
    { title: t('sms.updatedAt'), dataIndex: 'updatedAt', key: 'updatedAt', render: (v: string) => new Date(v).toLocaleString() },
  ];
  return (
    <Card size="small" title={t('sms.deliveries')}>
      <Table<SmsDelivery> rowKey="id" size="small" loading={deliveries.isFetching} columns={columns} dataSource={deliveries.data?.items ?? []} scroll={{ x: 'max-content' }} pagination={false} />
    </Card>
  );
}
