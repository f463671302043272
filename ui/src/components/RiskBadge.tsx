import { useQuery } from '@tanstack/react-query';
import { Popover, Tag, Typography } from 'antd';
import type { MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { get } from '../api/client';
import { currentLang } from '../app/i18n';

export interface TaskRisk {
  percent: number;
  reasons: Array<{ code: string; zh: string; en: string }>;
}

/**
 * Early warning: the chance a task ends red, with its reasons in a popover opened by a click or a tap. Nothing when there is no forecast: too little history, no model, closed or already red.
 */
export function RiskBadge({ risk, testId }: { risk: TaskRisk | null | undefined; testId?: string }) {
  const { t } = useTranslation();
  if (!risk) return null;
  const lang = currentLang();
  const color = risk.percent >= 60 ? 'red' : risk.percent >= 30 ? 'orange' : 'default';
  const reasons = risk.reasons.map((r) => (lang === 'en' ? r.en : r.zh));
  const label = t('risk.badge', { percent: risk.percent });
  // The badge sits inside clickable cards (my tasks): a tap opens the reasons, not the card's link.
  const keepInside = (event: MouseEvent) => {
    event.preventDefault();
    event.stopPropagation();
  };
  return (
    <Popover
      // Click only: with hover too, a desktop click after the hover closed what the hover had opened.
      trigger="click"
      title={t('risk.title', { percent: risk.percent })}
      content={
        <div className="risk-reasons" data-testid="risk-reasons">
          {reasons.length ? (
            <ul>
              {reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          ) : (
            <Typography.Text type="secondary">{t('risk.noReason')}</Typography.Text>
          )}
          <Typography.Text type="secondary" className="risk-hint">
            {t('risk.hint')}
          </Typography.Text>
        </div>
      }
    >
      <Tag
        color={color}
        data-testid={testId}
        className="risk-badge"
        role="button"
        tabIndex={0}
        aria-label={`${label}${reasons.length ? `: ${reasons.join('; ')}` : ''}`}
        onClick={keepInside}
      >
        {label}
      </Tag>
    </Popover>
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
