/** Hotspots for leaders: pinned topics first (count, trend, counts over time), then the last N days' topics by their top words. */
import { PushpinFilled, PushpinOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, List, Segmented, Space, Tag, Tooltip, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, get } from '../../api/client';
import { useDepartmentName } from '../../api/queries';
import { currentLang } from '../../app/i18n';
import { useUser } from '../../app/session';
import { PageContainer } from '../../components/PageContainer';

interface TopicShape {
  words: string[];
  count: number;
  trend: number;
  /** Merged duplicates and imported likes: 0 where none are known. */
  endorsements: number;
  departmentIds: string[];
  items: Array<{ id: string; code: string; title: string }>;
}
interface Hotspots {
  items: number;
  topics: TopicShape[];
  pinned: Array<TopicShape & { id: string; series: number[] }>;
}
interface RiskModel {
  notice: { messageZh: string; messageEn: string } | null;
  ready: { figures: { brier: number; auc: number; baselineBrier: number; baselineAuc: number; closed: number; red: number } | null } | null;
}
const WINDOWS = [7, 30, 90];

/** Counts slice by slice as a row of small bars (text alternative: the numbers). */
function Series({ series, label }: { series: number[]; label: string }) {
  const max = Math.max(1, ...series);
  return (
    <span className="hotspot-series" role="img" aria-label={`${label}: ${series.join(', ')}`} style={{ display: 'inline-flex', alignItems: 'flex-end', gap: 2, height: 20 }}>
      {series.map((n, i) => (
        <span key={i} style={{ width: 6, height: Math.max(2, (n / max) * 20), background: '#1677ff', display: 'inline-block' }} />
      ))}
    </span>
  );
}

function TopicCard({ topic, extra, pinned }: { topic: TopicShape; extra?: ReactNode; pinned?: boolean }) {
  const { t } = useTranslation('leader');
  const deptName = useDepartmentName();
  return (
    <Card
      size="small"
      title={
        <Space wrap>
          {pinned && <Tag color="gold">{t('hotspots.pinned')}</Tag>}
          <span className="wrap-anywhere">{topic.words.join(' · ')}</span>
        </Space>
      }
      extra={
        <Space wrap>
          <Tag>{t('hotspots.count', { count: topic.count })}</Tag>
          <Tag color={topic.trend > 0 ? 'red' : topic.trend < 0 ? 'green' : 'default'}>{t('hotspots.trend', { trend: topic.trend > 0 ? `+${topic.trend}` : topic.trend })}</Tag>
          {topic.endorsements > 0 ? (
            <Tag color="gold" data-testid="hotspot-endorsements">
              {t('hotspots.endorsements', { count: topic.endorsements })}
            </Tag>
          ) : null}
          {extra}
        </Space>
      }
      data-testid={pinned ? 'pinned-topic' : 'topic'}
    >
      <Typography.Paragraph type="secondary">{t('hotspots.departments', { names: topic.departmentIds.map(deptName).join('、') || '—' })}</Typography.Paragraph>
      {topic.items.length > 0 && (
        <List
          size="small"
          dataSource={topic.items}
          renderItem={(item) => (
            <List.Item>
              <Link to={`/items/${item.id}`} className="wrap-anywhere">
                {item.code} {item.title}
              </Link>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

function RiskModelNote() {
  const { t } = useTranslation('leader');
  const model = useQuery({ queryKey: ['ai', 'risk'], queryFn: ({ signal }) => get<RiskModel>('/api/ai/risk', signal) });
  if (!model.data) return null;
  const f = model.data.ready?.figures;
  const notice = model.data.notice;
  const fmt = (x: number) => x.toFixed(3);
  return (
    <Alert
      type={notice ? 'info' : 'success'}
      showIcon
      message={t('hotspots.model')}
      description={
        notice
          ? `${t('hotspots.noModel')}${currentLang() === 'en' ? notice.messageEn : notice.messageZh}`
          : f && t('hotspots.modelFigures', { brier: fmt(f.brier), baselineBrier: fmt(f.baselineBrier), auc: fmt(f.auc), baselineAuc: fmt(f.baselineAuc), closed: f.closed, red: f.red })
      }
    />
  );
}

export default function HotspotsPage() {
  const { t } = useTranslation('leader');
  const user = useUser();
  const leader = user.role === 'leader';
  const queryClient = useQueryClient();
  const [days, setDays] = useState(30);
  const hotspots = useQuery({
    queryKey: ['ai', 'hotspots', days],
    queryFn: ({ signal }) => get<Hotspots>(`/api/ai/hotspots?days=${days}`, signal),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['ai', 'hotspots'] });
  const pin = useMutation({ mutationFn: (words: string[]) => api('POST', '/api/ai/hotspots/pins', { body: { words } }), onSuccess: refresh });
  const unpin = useMutation({ mutationFn: (id: string) => api('DELETE', `/api/ai/hotspots/pins/${id}`), onSuccess: refresh });
  const pinnedWords = new Set((hotspots.data?.pinned ?? []).map((p) => p.words.join(' ')));
  return (
    <PageContainer
      title={t('hotspots.title')}
      subTitle={t('hotspots.hint', { items: hotspots.data?.items ?? 0 })}
      loading={hotspots.isPending}
      error={hotspots.error}
      extra={<Segmented value={days} onChange={(v) => setDays(Number(v))} options={WINDOWS.map((d) => ({ value: d, label: t('hotspots.days', { days: d }) }))} />}
    >
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        {leader && <RiskModelNote />}
        {(hotspots.data?.pinned ?? []).map((topic) => (
          <TopicCard
            key={topic.id}
            topic={topic}
            pinned
            extra={
              <>
                <Tooltip title={t('hotspots.series')}>
                  <Series series={topic.series} label={t('hotspots.series')} />
                </Tooltip>
                {leader && (
                  <Button size="small" icon={<PushpinFilled />} loading={unpin.isPending && unpin.variables === topic.id} onClick={() => unpin.mutate(topic.id)}>
                    {t('hotspots.unpin')}
                  </Button>
                )}
              </>
            }
          />
        ))}
        {hotspots.data && hotspots.data.topics.length === 0 ? <Empty description={t('hotspots.none')} /> : null}
        {(hotspots.data?.topics ?? []).map((topic) => (
          <TopicCard
            key={topic.words.join(' ')}
            topic={topic}
            extra={
              leader &&
              !pinnedWords.has(topic.words.join(' ')) && (
                <Button size="small" icon={<PushpinOutlined />} loading={pin.isPending && pin.variables === topic.words} onClick={() => pin.mutate(topic.words)}>
                  {t('hotspots.pin')}
                </Button>
              )
            }
          />
        ))}
      </Space>
    </PageContainer>
  );
}
