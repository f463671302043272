/** The assessment's weights: the points each shortfall costs a department (from 100). */
import './admin.css';
import { useQuery } from '@tanstack/react-query';
import { App, Button, Card, Form, InputNumber } from 'antd';
import { useTranslation } from 'react-i18next';
import { get } from '../../api/client';
import { useApiForm } from '../../api/useApiForm';
import { FormError, PageContainer } from '../../components/PageContainer';

const FACTORS = ['onTimeRate', 'redEver', 'urge', 'returned', 'postponed', 'appealUnsatisfied', 'appealLateContact', 'appealReopened'] as const;
type Weights = Record<(typeof FACTORS)[number], number>;
const KEY = ['assessment', 'weights'];

export default function WeightsPage() {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const [form] = Form.useForm<Weights>();
  const weights = useQuery({ queryKey: KEY, queryFn: ({ signal }) => get<Weights>('/api/assessment/weights', signal) });
  const save = useApiForm<Weights, Weights>({ method: 'PUT', path: '/api/assessment/weights', form, invalidate: [KEY, ['dashboard']], onSuccess: () => void message.success(t('common:saved')) });
  return (
    <PageContainer title={t('weights.title')} subTitle={t('weights.hint')} loading={weights.isPending} error={weights.error}>
      <Card size="small" className="narrow-card">
        {weights.data && (
          <Form form={form} layout="vertical" initialValues={weights.data} onFinish={(v) => void save.submit(v)}>
            {FACTORS.map((f) => (
              <Form.Item key={f} name={f} label={t(`weights.${f}`)} extra={t(`weights.${f}Hint`)} rules={[{ required: true, message: t('common:required') }]}>
                <InputNumber min={0} max={1000} step={0.5} addonAfter={t('weights.points')} />
              </Form.Item>
            ))}
            <FormError message={save.formError} />
            <Button type="primary" htmlType="submit" loading={save.pending}>
              {t('common:save')}
            </Button>
          </Form>
        )}
      </Card>
    </PageContainer>
  );
}
