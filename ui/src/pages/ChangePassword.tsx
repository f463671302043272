/** POST /api/me/password; forced (nothing else reachable) while /api/me says mustChangePassword. */
import { Alert, App, Button, Card, Form, Input } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { setCsrfToken } from '../api/client';
import { keys } from '../api/keys';
import { useApiForm } from '../api/useApiForm';
import { FormError, PageContainer } from '../components/PageContainer';
import { useSignOut } from '../app/session';

interface Values {
  current: string;
  next: string;
  confirm: string;
}

export function ChangePasswordPage({ forced = false }: { forced?: boolean }) {
  const { t } = useTranslation('auth');
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const signOut = useSignOut();
  const { submit, pending, formError } = useApiForm<{ current: string; next: string }, { csrfToken: string }>({
    path: '/api/me/password',
    form,
    // Every session ended with the change: this tab goes on with the new one (its cookie came with the answer).
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken);
      void message.success(t('changed'));
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: keys.me });
    },
  });
  const body = (
    <Card className="narrow-card">
      {forced && <Alert type="warning" showIcon title={t('mustChange')} className="form-error" />}
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => void submit({ current: v.current, next: v.next })}
        aria-label={t('changeTitle')}
        requiredMark={false}
      >
        <Form.Item name="current" label={t('current')} rules={[{ required: true, message: t('common:required') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item name="next" label={t('next')} rules={[{ required: true, message: t('common:required') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('confirm')}
          dependencies={['next']}
          rules={[
            { required: true, message: t('common:required') },
            ({ getFieldValue }) => ({
              validator: (_, v) => (v === getFieldValue('next') ? Promise.resolve() : Promise.reject(new Error(t('mismatch')))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <FormError message={formError} />
        <Button type="primary" htmlType="submit" loading={pending} block={forced}>
          {t('common:save')}
        </Button>
        {forced && (
          <Button type="link" onClick={signOut} block>
            {t('shell:signOut')}
          </Button>
        )}
      </Form>
    </Card>
  );
  return <PageContainer title={t('changeTitle')}>{body}</PageContainer>;
}
