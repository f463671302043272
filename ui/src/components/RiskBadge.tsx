import { useQuery } from '@tanstack/react-query';
import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { get } from '../api/client';
import { currentLang } from '../app/i18n';

export interface TaskRisk {
  percent: number;
  reasons: Array<{ code: string; zh: string; en: string }>;
}

/** Early warning: the chance a task ends red, with its reasons on hover (nothing when no forecast). */
export function RiskBadge({ risk, testId }: { risk: TaskRisk | null | undefined; testId?: string }) {
  const { t } = useTranslation();
  if (!risk) return null;
  const lang = currentLang();
  const color = risk.percent >= 60 ? 'red' : risk.percent >= 30 ? 'orange' : 'default';
  const reasons = risk.reasons.map((r) => (lang === 'en' ? r.en : r.zh));
  return (
    <Tooltip title={reasons.length ? reasons.join('；') : t('risk.noReason')}>
      <Tag color={color} data-testid={testId} aria-label={`${t('risk.badge', { percent: risk.percent })}: ${reasons.join('; ')}`}>
        {t('risk.badge', { percent: risk.percent })}
      </Tag>
    </Tooltip>
  );
}

/** The badge of one task, read from GET /api/tasks/:id/risk (shows nothing while no model serves). */
export function TaskRiskBadge({ taskId }: { taskId: string }) {
  const answer = useQuery({
    queryKey: ['tasks', taskId, 'risk'],
    queryFn: ({ signal }) => get<{ risk: TaskRisk | null }>(`/api/tasks/${taskId}/risk`, signal),
    staleTime: 60_000,
  });
  return <RiskBadge risk={answer.data?.risk} testId={`risk-${taskId}`} />;
}
