/**
 * While an operator types an appeal's text: the open items and appeals saying the same thing (the AI
 * assist's duplicates), with code, title, status and similarity, each a link to its page, where a
 * dispatched duplicate can be merged into it.
 */
import { useQuery } from '@tanstack/react-query';
import { Alert, List, Space, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import type { ItemStatus } from '../../api/types';
import { ItemStatusTag } from '../../components/StatusTag';

interface Answer {
  duplicates: Array<{ itemId: string; code: string; title: string; status: ItemStatus; similarity: number }>;
}

/** The text once typing paused (no request per keystroke). */
function useSettled(text: string, ms = 700): string {
  const [settled, setSettled] = useState(text);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(text), ms);
    return () => clearTimeout(timer);
  }, [text, ms]);
  return settled;
}

export function SimilarOpenItems({ text }: { text: string }) {
  const { t } = useTranslation('appeals');
  const settled = useSettled(text.trim());
  const answer = useQuery({
    queryKey: ['appeal-similar', settled],
    queryFn: ({ signal }) => api<Answer>('POST', '/api/ai/suggestions', { body: { text: settled, kind: 'appeal' }, signal }),
    enabled: settled.length >= 4,
    staleTime: 60_000,
    retry: false,
  });
  const duplicates = answer.data?.duplicates ?? [];
  if (duplicates.length === 0) return null;
  return (
    <Alert
      type="info"
      showIcon
      className="appeal-alert similar-open-items"
      title={t('similar.title')}
      description={
        <List
          size="small"
          dataSource={duplicates}
          renderItem={(d) => (
            <List.Item key={d.itemId}>
              <Space wrap size={4}>
                <Link to={`/items/${d.itemId}`}>
                  {d.code} {d.title}
                </Link>
                <ItemStatusTag status={d.status} />
                <Tag>{t('similar.similarity', { percent: Math.round(d.similarity * 100) })}</Tag>
              </Space>
            </List.Item>
          )}
        />
      }
    />
  );
}
