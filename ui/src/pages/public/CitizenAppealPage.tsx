/**
 * The citizen's page (no sign-in), phone-first: submit an appeal (the ALTCHA captcha is solved in the
 * browser with altcha-lib, then sent with the form) and follow one with its query code and phone.
 */
import './public.css';
import { Alert, Button, Card, Descriptions, Form, Input, Segmented, Typography } from 'antd';
import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/web/sha';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, get } from '../../api/client';
import { useApiForm } from '../../api/useApiForm';
import { DateTime } from '../../components/DateTime';

interface CitizenView {
  status: 'received' | 'handling' | 'replied' | 'closed';
  submittedAt: string;
  reply?: string;
  repliedAt?: string;
}

async function solvedCaptcha(): Promise<string> {
  const challenge = await get<Challenge>('/public/appeals/challenge');
  const solution = await solveChallenge({ challenge, deriveKey });
  return btoa(JSON.stringify({ challenge, solution }));
}

function SubmitForm() {
  const { t } = useTranslation('appeals');
  const [form] = Form.useForm();
  const [queryCode, setQueryCode] = useState<string | null>(null);
  const [solving, setSolving] = useState(false);
  const { submit, pending, formError } = useApiForm<Record<string, unknown>, { queryCode: string }>({
    path: '/public/appeals',
    form,
    fieldName: (f) => [f.replace(/^body\./, '')],
    onSuccess: (r) => {
      setQueryCode(r.queryCode);
      form.resetFields();
    },
  });
  const onFinish = async (values: Record<string, unknown>) => {
    setSolving(true);
    try {
      await submit({ ...values, captcha: await solvedCaptcha() });
    } finally {
      setSolving(false);
    }
  };
  if (queryCode) {
    return <Alert type="success" showIcon title={t('citizen.submitted')} description={<Typography.Text copyable strong>{queryCode}</Typography.Text>} />;
  }
  return (
    <Form form={form} layout="vertical" onFinish={(v) => void onFinish(v)}>
      <Form.Item name="citizenName" label={t('fields.citizenName')}>
        <Input autoComplete="name" />
      </Form.Item>
      <Form.Item name="phone" label={t('fields.phone')} rules={[{ required: true }]}>
        <Input inputMode="tel" autoComplete="tel" />
      </Form.Item>
      <Form.Item name="text" label={t('fields.text')} rules={[{ required: true }]}>
        <Input.TextArea rows={5} />
      </Form.Item>
      <Form.Item name="place" label={t('fields.place')}>
        <Input />
      </Form.Item>
      <Form.Item name="captcha" hidden>
        <Input />
      </Form.Item>
      {formError && <Alert type="error" title={formError} />}
      <Button type="primary" htmlType="submit" loading={pending || solving} block size="large">
        {solving ? t('citizen.verifying') : t('citizen.submit')}
      </Button>
    </Form>
  );
}

function QueryForm() {
  const { t } = useTranslation('appeals');
  const [view, setView] = useState<CitizenView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const onFinish = async (v: { queryCode: string; phone: string }) => {
    setLoading(true);
    setError(null);
    try {
      setView(await get<CitizenView>(`/public/appeals/${encodeURIComponent(v.queryCode.trim())}?phone=${encodeURIComponent(v.phone.trim())}`));
    } catch (e) {
      setView(null);
      setError(e instanceof ApiError && e.status === 429 ? t('citizen.tooMany') : t('citizen.notFound'));
    } finally {
      setLoading(false);
    }
  };
  return (
    <>
      <Form layout="vertical" onFinish={(v) => void onFinish(v)}>
        <Form.Item name="queryCode" label={t('citizen.queryCode')} rules={[{ required: true }]}>
          <Input autoCapitalize="characters" />
        </Form.Item>
        <Form.Item name="phone" label={t('fields.phone')} rules={[{ required: true }]}>
          <Input inputMode="tel" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={loading} block size="large">
          {t('citizen.query')}
        </Button>
      </Form>
      {error && <Alert type="warning" title={error} />}
      {view && (
        <Descriptions column={1} bordered size="small" className="public-card">
          <Descriptions.Item label={t('citizen.status')}>{t(`citizen.statuses.${view.status}`)}</Descriptions.Item>
          <Descriptions.Item label={t('citizen.submittedAt')}>
            <DateTime iso={view.submittedAt} />
          </Descriptions.Item>
          {view.reply && <Descriptions.Item label={t('reply')}>{view.reply}</Descriptions.Item>}
          {view.repliedAt && (
            <Descriptions.Item label={t('citizen.repliedAt')}>
              <DateTime iso={view.repliedAt} />
            </Descriptions.Item>
          )}
        </Descriptions>
      )}
    </>
  );
}

export default function CitizenAppealPage() {
  const { t } = useTranslation('appeals');
  const [mode, setMode] = useState<'submit' | 'query'>('submit');
  return (
    <div className="public-page">
      <Typography.Title level={1} className="page-title">
        {t('citizen.title')}
      </Typography.Title>
      <Segmented block value={mode} onChange={(v) => setMode(v as 'submit' | 'query')} options={[{ value: 'submit', label: t('citizen.submitTab') }, { value: 'query', label: t('citizen.queryTab') }]} />
      <Card size="small" className="public-card">
        {mode === 'submit' ? <SubmitForm /> : <QueryForm />}
      </Card>
    </div>
  );
}
