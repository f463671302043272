/** The platform's health, for signed-in users only (anonymous visitors see none of it). */
import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError, get } from '../api/client';
import { PageContainer } from '../components/PageContainer';

type Health = { status: string; temporal: string; database: string; redis: string };

export default function StatusPage() {
  const { t } = useTranslation('settings');
  const health = useQuery({
    queryKey: ['health'],
    refetchInterval: 15_000,
    // 503 still carries the parts' states.
    queryFn: () =>
      get<Health>('/api/health').catch((e: unknown) => (e instanceof ApiError && e.details ? (e.details as Health) : Promise.reject(e))),
  });
  const parts = ['temporal', 'database', 'redis'] as const;
  return (
    <PageContainer title={t('status.title')} loading={health.isPending} error={health.error}>
      <Card>
        <Descriptions column={1} bordered size="small">
          {parts.map((p) => (
            <Descriptions.Item key={p} label={t(`status.parts.${p}`)}>
              <Tag color={health.data?.[p] === 'ok' ? 'success' : 'error'}>
                {health.data?.[p] === 'ok' ? t('status.ok') : (health.data?.[p] ?? '—')}
              </Tag>
            </Descriptions.Item>
          ))}
        </Descriptions>
        <p>
          <a href="/docs">{t('status.docs')}</a>
        </p>
      </Card>
    </PageContainer>
  );
}
