/**
 * The red-risk model for the administrator: what it serves (held-out Brier and AUC against the
 * baseline), how much history it needs before any badge is shown, and a retrain on demand.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, get } from '../../api/client';
import { currentLang } from '../../app/i18n';

interface RiskRun {
  version: number;
  status: string;
  figures: { brier: number; auc: number; baselineBrier: number; baselineAuc: number; closed: number; red: number } | null;
}
/** GET /api/ai/risk. */
interface RiskModel {
  minimum: { closed: number; red: number };
  serving: number | null;
  notice: { messageZh: string; messageEn: string } | null;
  latest: RiskRun | null;
  ready: RiskRun | null;
}

const RISK = ['ai', 'risk'];

export function RiskModelCard() {
  const { t } = useTranslation('admin');
  const queryClient = useQueryClient();
  // After a retrain is asked for, the card polls until it sees a newer run (the queue may take a moment
  // to record it), and while a run is training.
  const [awaitingAfter, setAwaitingAfter] = useState<number | null>(null);
  const model = useQuery({
    queryKey: RISK,
    queryFn: ({ signal }) => get<RiskModel>('/api/ai/risk', signal),
    refetchInterval: (query) => {
      const latest = query.state.data?.latest;
      const awaiting = awaitingAfter !== null && (latest?.version ?? 0) <= awaitingAfter;
      return awaiting || latest?.status === 'training' ? 1500 : false;
    },
  });
  const retrain = useMutation({
    mutationFn: () => api('POST', '/api/ai/risk', { body: {} }),
    onMutate: () => setAwaitingAfter(model.data?.latest?.version ?? 0),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: RISK }),
  });
  const data = model.data;
  const latest = data?.latest;
  const figures = data?.ready?.figures;
  const fmt = (x: number) => x.toFixed(3);
  return (
    <Card
      size="small"
      title={t('leader:hotspots.model')}
      data-testid="risk-model"
      loading={model.isPending}
      extra={
        <Button loading={retrain.isPending || latest?.status === 'training'} onClick={() => retrain.mutate()}>
          {t('ai.retrain')}
        </Button>
      }
    >
      {data && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text type="secondary">{t('ai.riskMinimum', { closed: data.minimum.closed, red: data.minimum.red })}</Typography.Text>
          {latest && (
            <span>
              {t('ai.version')} {latest.version}: <Tag color={latest.status === 'ready' ? 'green' : latest.status === 'training' ? 'processing' : 'default'}>{t(`ai.statuses.${latest.status}`, { defaultValue: latest.status })}</Tag>
            </span>
          )}
          {data.notice ? (
            <Alert type="info" showIcon message={currentLang() === 'en' ? data.notice.messageEn : data.notice.messageZh} />
          ) : (
            figures && (
              <Typography.Text>
                {t('ai.riskServing', { version: data.serving })}
                {t('leader:hotspots.modelFigures', { brier: fmt(figures.brier), baselineBrier: fmt(figures.baselineBrier), auc: fmt(figures.auc), baselineAuc: fmt(figures.baselineAuc), closed: figures.closed, red: figures.red })}
              </Typography.Text>
            )
          )}
        </Space>
      )}
    </Card>
  );
}
