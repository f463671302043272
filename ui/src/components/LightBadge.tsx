import { Badge, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Bilingual, Light } from '../api/types';
import { currentLang } from '../app/i18n';
import { useNow } from '../app/clock';
import { effectiveLight, type LightClock } from '../lib/light';
import { formatDateTime } from '../lib/format';

const STATUS = { green: 'success', yellow: 'warning', red: 'error' } as const;

/**
 * A light as a coloured dot plus words (never colour alone), with its reason on hover. Given the
 * task's next yellow/red instants, it flips by itself when they pass.
 */
export function LightBadge({
  light,
  clock,
  reason,
  short = false,
  testId,
}: {
  light: Light;
  /** Status and next flip instants: the light is recomputed each second from these. */
  clock?: Omit<LightClock, 'light'>;
  reason?: Bilingual | null;
  short?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  const now = useNow();
  const shown = clock ? effectiveLight({ ...clock, light }, now) : light;
  const lang = currentLang();
  const why = reason ? (lang === 'zh' ? (reason.zh ?? reason.en) : reason.en) : null;
  const next =
    clock && shown !== 'red'
      ? [
          clock.nextYellowAt && shown === 'green' ? { at: clock.nextYellowAt, l: 'yellow' as const } : null,
          clock.nextRedAt ? { at: clock.nextRedAt, l: 'red' as const } : null,
        ].find((x) => x && Date.parse(x.at) > now)
      : null;
  const tip = [
    shown !== light ? null : why,
    next ? t('lightWillTurn', { at: formatDateTime(next.at, lang), light: t(`lightShort.${next.l}`) }) : null,
  ].filter(Boolean);
  const badge = (
    <span className={`light light-${shown}`} data-light={shown} data-testid={testId}>
      <Badge status={STATUS[shown]} text={short ? t(`lightShort.${shown}`) : t(`lights.${shown}`)} />
    </span>
  );
  return tip.length ? (
    <Tooltip
      title={tip.map((x, i) => (
        <div key={i}>{x}</div>
      ))}
    >
      {badge}
    </Tooltip>
  ) : (
    badge
  );
}
