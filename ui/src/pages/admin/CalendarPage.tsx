/**
 * The working-day calendar as a year of twelve months: weekends, public holidays and make-up
 * working days from the built-in data, and the admin's overrides, set by clicking a day (it turns
 * into the opposite of what it was; click again to drop the override). Before saving, the page
 * asks how many open tasks the change will recompute.
 */
import './admin.css';
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Flex, Row, Space, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, get, newKey } from '../../api/client';
import { currentLang } from '../../app/i18n';
import { errorText, PageContainer } from '../../components/PageContainer';
import type { CalendarOverride, YearCalendar } from './types';

type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup';

export default function CalendarPage() {
  const { t } = useTranslation('admin');
  const { modal, message } = App.useApp();
  const queryClient = useQueryClient();
  const [year, setYear] = useState(dayjs().year());
  const calendar = useQuery({ queryKey: ['calendar', year], queryFn: ({ signal }) => get<YearCalendar>(`/api/calendar/${year}`, signal) });
  const [overrides, setOverrides] = useState<Map<string, CalendarOverride['kind']>>(new Map());
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (calendar.data) setOverrides(new Map(calendar.data.overrides.map((o) => [o.date, o.kind])));
  }, [calendar.data]);

  const builtIn = useMemo(() => {
    const holidays = new Map((calendar.data?.builtIn.holidays ?? []).map((d) => [d.date, d.name]));
    const workdays = new Map((calendar.data?.builtIn.workdays ?? []).map((d) => [d.date, d.name]));
    return { holidays, workdays };
  }, [calendar.data]);

  /** What a day is without overrides. */
  const baseKind = (date: string): DayKind => {
    if (builtIn.holidays.has(date)) return 'holiday';
    if (builtIn.workdays.has(date)) return 'makeup';
    const dow = dayjs(date).day();
    return dow === 0 || dow === 6 ? 'weekend' : 'workday';
  };
  const isWorking = (k: DayKind) => k === 'workday' || k === 'makeup';
  const toggle = (date: string) => {
    const next = new Map(overrides);
    if (next.has(date)) next.delete(date);
    else next.set(date, isWorking(baseKind(date)) ? 'holiday' : 'workday');
    setOverrides(next);
  };
  const body = { overrides: [...overrides].sort().map(([date, kind]) => ({ date, kind, note: calendar.data?.overrides.find((o) => o.date === date)?.note ?? null })) };
  const saved = new Map((calendar.data?.overrides ?? []).map((o) => [o.date, o.kind]));
  const changed = saved.size !== overrides.size || [...overrides].some(([d, k]) => saved.get(d) !== k);

  const save = async () => {
    setSaving(true);
    let count: number | null = null;
    try {
      count = (await api<{ openTasksToRecompute: number }>('POST', `/api/calendar/${year}/impact`, { body })).openTasksToRecompute;
    } catch (e) {
      // An API without the estimate still saves; anything else is said and stops here.
      if (!(e instanceof ApiError && (e.status === 404 || e.status === 405))) {
        void message.error(errorText(e, t));
        setSaving(false);
        return;
      }
    }
    modal.confirm({
      title: t('calendar.confirmTitle'),
      content: <span data-testid="impact">{count === null ? t('calendar.impactUnknown') : t('calendar.impact', { count })}</span>,
      okText: t('common:save'),
      cancelText: t('common:cancel'),
      onCancel: () => setSaving(false),
      onOk: async () => {
        try {
          const answer = await api<YearCalendar & { affectedWorkflows: number }>('PUT', `/api/calendar/${year}`, { body, idempotencyKey: newKey() });
          queryClient.setQueryData(['calendar', year], answer);
          void message.success(t('calendar.saved', { count: answer.affectedWorkflows }));
        } catch (e) {
          void message.error(errorText(e, t));
        } finally {
          setSaving(false);
        }
      },
    });
  };

  return (
    <PageContainer
      title={t('calendar.title')}
      subTitle={t('calendar.hint')}
      extra={
        <Space>
          <Button icon={<LeftOutlined />} aria-label={t('calendar.prev')} onClick={() => setYear(year - 1)} />
          <Typography.Text strong className="year-label">
            {year}
          </Typography.Text>
          <Button icon={<RightOutlined />} aria-label={t('calendar.next')} onClick={() => setYear(year + 1)} />
          <Button onClick={() => calendar.data && setOverrides(new Map(calendar.data.overrides.map((o) => [o.date, o.kind])))} disabled={!changed}>
            {t('calendar.undo')}
          </Button>
          <Button type="primary" onClick={() => void save()} disabled={!changed} loading={saving} data-testid="calendar-save">
            {t('common:save')}
          </Button>
        </Space>
      }
      loading={calendar.isPending}
      error={calendar.error}
    >
      <Flex gap={8} wrap className="calendar-legend">
        {(['workday', 'weekend', 'holiday', 'makeup'] as DayKind[]).map((k) => (
          <span key={k} className={`cal-legend cal-${k}`}>
            {t(`calendar.kinds.${k}`)}
          </span>
        ))}
        <span className="cal-legend cal-override">{t('calendar.kinds.override')}</span>
      </Flex>
      <Row gutter={[12, 12]}>
        {Array.from({ length: 12 }, (_, m) => (
          <Col xs={24} sm={12} lg={8} xl={6} key={m}>
            <Month year={year} month={m} kindOf={baseKind} overrides={overrides} names={builtIn} onClick={toggle} />
          </Col>
        ))}
      </Row>
      {overrides.size > 0 && (
        <Card size="small" title={t('calendar.overrides', { count: overrides.size })} className="override-list">
          <Flex gap={6} wrap>
            {[...overrides].sort().map(([date, kind]) => (
              <Tag key={date} color={kind === 'holiday' ? 'red' : 'blue'} closable onClose={() => toggle(date)}>
                {date} {t(`calendar.to.${kind}`)}
              </Tag>
            ))}
          </Flex>
        </Card>
      )}
    </PageContainer>
  );
}

function Month({
  year,
  month,
  kindOf,
  overrides,
  names,
  onClick,
}: {
  year: number;
  month: number;
  kindOf: (d: string) => DayKind;
  overrides: Map<string, CalendarOverride['kind']>;
  names: { holidays: Map<string, string | null>; workdays: Map<string, string | null> };
  onClick: (d: string) => void;
}) {
  const { t } = useTranslation('admin');
  const first = dayjs(new Date(year, month, 1));
  const lead = (first.day() + 6) % 7; // Monday first
  const days = first.daysInMonth();
  const lang = currentLang();
  const weekdays = lang === 'zh' ? ['一', '二', '三', '四', '五', '六', '日'] : ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'];
  const title = first.toDate().toLocaleDateString(lang === 'zh' ? 'zh-CN' : 'en-GB', { month: 'long', year: 'numeric' });
  return (
    <Card size="small" title={title} className="cal-month">
      <div className="cal-grid" role="group" aria-label={title}>
        {weekdays.map((w) => (
          <div key={w} className="cal-head" aria-hidden="true">
            {w}
          </div>
        ))}
        {Array.from({ length: lead }, (_, i) => (
          <div key={`x${i}`} />
        ))}
        {Array.from({ length: days }, (_, i) => {
          const date = first.date(i + 1).format('YYYY-MM-DD');
          const base = kindOf(date);
          const override = overrides.get(date);
          const shown: DayKind = override ? (override === 'holiday' ? 'holiday' : 'workday') : base;
          const name = names.holidays.get(date) ?? names.workdays.get(date) ?? null;
          // The visible day number first, so the spoken name begins with what is seen.
          const label = `${i + 1} · ${date} ${t(`calendar.kinds.${shown}`)}${name ? ` ${name}` : ''}${override ? ` (${t('calendar.kinds.override')})` : ''}`;
          return (
            <Tooltip key={date} title={label}>
              <button
                type="button"
                className={`cal-day cal-${shown}${override ? ' cal-override' : ''}`}
                data-date={date}
                data-kind={shown}
                aria-label={label}
                aria-pressed={!!override}
                onClick={() => onClick(date)}
              >
                {i + 1}
              </button>
            </Tooltip>
          );
        })}
      </div>
    </Card>
  );
}
