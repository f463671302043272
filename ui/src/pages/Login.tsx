/** Sign-in: nothing of the platform's internals for anonymous visitors; a link to the public disclosure page. */
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ApiError, setCsrfToken } from '../api/client';
import type { Session } from '../api/types';
import { PublicLayout } from '../app/PublicLayout';
import { useSignIn } from '../app/session';

export function LoginPage() {
  const { t } = useTranslation('auth');
  const signIn = useSignIn();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const onFinish = async ({ username, password }: { username: string; password: string }) => {
    setPending(true);
    setError(null);
    try {
      const answer = await api<Session>('POST', '/api/auth/login', { body: { username: username.trim(), password }, quiet401: true });
      setCsrfToken(answer.csrfToken);
      // The login answer's user may lack mustChangePassword: /api/me is the word on it.
      signIn(await api<Session>('GET', '/api/me', { quiet401: true }));
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 400)) setError(t('badCredentials'));
      else if (e instanceof ApiError && e.status === 429) setError(t('tooMany'));
      else if (e instanceof ApiError && e.status === 0) setError(t('common:networkError'));
      else setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setPending(false);
    }
  };

  return (
    <PublicLayout>
      <div className="login-wrap">
        <Card className="login-card">
          <Typography.Title level={1} className="page-title">
            {t('title')}
          </Typography.Title>
          <Typography.Paragraph type="secondary">{t('hint')}</Typography.Paragraph>
          <Form layout="vertical" onFinish={onFinish} requiredMark={false} aria-label={t('title')}>
            <Form.Item name="username" label={t('username')} rules={[{ required: true, message: t('common:required') }]}>
              <Input prefix={<UserOutlined />} autoComplete="username" size="large" />
            </Form.Item>
            <Form.Item name="password" label={t('password')} rules={[{ required: true, message: t('common:required') }]}>
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
            </Form.Item>
            {error && <Alert type="error" showIcon title={error} role="alert" className="form-error" />}
            <Button type="primary" htmlType="submit" block size="large" loading={pending}>
              {t('signIn')}
            </Button>
          </Form>
          <div className="login-public">
            <Link to="/public">{t('publicLink')}</Link>
          </div>
        </Card>
      </div>
    </PublicLayout>
  );
}
