import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNow } from '../app/clock';
import { splitMs } from '../lib/format';

/** Time left until (or overdue since) an instant, ticking; red once past. Two largest units only. */
export function Countdown({ to, done = false }: { to: string | null | undefined; done?: boolean }) {
  const { t } = useTranslation();
  const now = useNow();
  if (!to || done) return null;
  const ms = Date.parse(to) - now;
  if (Number.isNaN(ms)) return null;
  const p = splitMs(ms);
  const parts: string[] = [];
  if (p.days) parts.push(t('countdown.d', { n: p.days }));
  if (p.hours || parts.length) parts.push(t('countdown.h', { n: p.hours }));
  if (parts.length < 2) parts.push(t('countdown.m', { n: p.minutes }));
  if (parts.length < 2) parts.push(t('countdown.s', { n: p.seconds }));
  const text = parts.slice(0, 2).join(' ');
  const over = ms < 0;
  return (
    <Typography.Text type={over ? 'danger' : ms < 86_400_000 ? 'warning' : 'secondary'} className="countdown" data-testid="countdown">
      {over ? t('countdown.over', { time: text }) : t('countdown.left', { time: text })}
    </Typography.Text>
  );
}
