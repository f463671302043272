/** Hotspots for leaders: the last N days' topics, named by their top words, with count, trend, departments and items. */
import { useQuery } from '@tanstack/react-query';
import { Card, Empty, List, Segmented, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get } from '../../api/client';
import { useDepartmentName } from '../../api/queries';
import { PageContainer } from '../../components/PageContainer';

interface Hotspots {
  items: number;
  topics: Array<{
    words: string[];
    count: number;
    trend: number;
    departmentIds: string[];
    items: Array<{ id: string; code: string; title: string }>;
  }>;
}
const WINDOWS = [7, 30, 90];

export default function HotspotsPage() {
  const { t } = useTranslation('leader');
  const deptName = useDepartmentName();
  const [days, setDays] = useState(30);
  const hotspots = useQuery({
    queryKey: ['ai', 'hotspots', days],
    queryFn: ({ signal }) => get<Hotspots>(`/api/ai/hotspots?days=${days}`, signal),
  });
  return (
    <PageContainer
      title={t('hotspots.title')}
      subTitle={t('hotspots.hint', { items: hotspots.data?.items ?? 0 })}
      loading={hotspots.isPending}
      error={hotspots.error}
      extra={
        <Segmented
          value={days}
          onChange={(v) => setDays(Number(v))}
          options={WINDOWS.map((d) => ({ value: d, label: t('hotspots.days', { days: d }) }))}
        />
      }
    >
      {hotspots.data && hotspots.data.topics.length === 0 ? <Empty description={t('hotspots.none')} /> : null}
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        {(hotspots.data?.topics ?? []).map((topic) => (
          <Card
            key={topic.words.join(' ')}
            size="small"
            title={topic.words.join(' · ')}
            extra={
              <Space>
                <Tag>{t('hotspots.count', { count: topic.count })}</Tag>
                <Tag color={topic.trend > 0 ? 'red' : topic.trend < 0 ? 'green' : 'default'}>
                  {t('hotspots.trend', { trend: topic.trend > 0 ? `+${topic.trend}` : topic.trend })}
                </Tag>
              </Space>
            }
          >
            <Typography.Paragraph type="secondary">
              {t('hotspots.departments', { names: topic.departmentIds.map(deptName).join('、') || '—' })}
            </Typography.Paragraph>
            <List
              size="small"
              dataSource={topic.items}
              renderItem={(item) => (
                <List.Item>
                  <Link to={`/items/${item.id}`}>
                    {item.code} {item.title}
                  </Link>
                </List.Item>
              )}
            />
          </Card>
        ))}
      </Space>
    </PageContainer>
  );
}
