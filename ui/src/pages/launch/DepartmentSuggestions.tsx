/**
 * AI assist in the launch wizard: the lead department's top 3 from `POST /api/ai/suggestions`, each with
 * its confidence and the words behind it, picked with one click; and the open items saying the same thing.
 */
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, List, Progress, Space, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import type { ItemStatus } from '../../api/types';
import { ItemStatusTag } from '../../components/StatusTag';

/** An open item saying the same thing (the launch and appeal pages list them; the item page merges). */
export interface Duplicate {
  itemId: string;
  code: string;
  title: string;
  status: ItemStatus;
  similarity: number;
}

export interface SuggestionAnswer {
  suggestionId: string;
  modelVersion: number | null;
  suggestions: Array<{
    departmentId: string;
    departmentName: string;
    departmentNameEn: string | null;
    confidence: number;
    terms: string[];
  }>;
  duplicates: Duplicate[];
  /** Set when the kind's auto-dispatch is on and the top confidence reaches the threshold. */
  autoDispatch: { departmentId: string; confidence: number } | null;
  notice: { code: string; message: string; messageZh: string } | null;
}

interface Props {
  title?: string;
  text: string;
  kind?: string;
  /** The lead department chosen so far. */
  selected?: string;
  onPick(departmentId: string): void;
  /** The answer's id, to record what the dispatcher finally chose once the item is launched. */
  onAnswer(suggestionId: string | null): void;
  /** Off where the text is already registered (an appeal being dispatched would find itself). */
  showDuplicates?: boolean;
}

export function DepartmentSuggestions({ title, text, kind, selected, onPick, onAnswer, showDuplicates = true }: Props) {
  const { t, i18n } = useTranslation('launch');
  const zh = i18n.language.startsWith('zh');
  const answer = useQuery({
    queryKey: ['ai-suggestions', title, text, kind],
    queryFn: ({ signal }) =>
      api<SuggestionAnswer>('POST', '/api/ai/suggestions', {
        body: { ...(title ? { title } : {}), text, ...(kind ? { kind } : {}) },
        signal,
      }),
    enabled: text.trim() !== '',
    staleTime: Infinity,
    retry: false,
  });
  useEffect(() => onAnswer(answer.data?.suggestionId ?? null), [answer.data, onAnswer]);
  // Auto-dispatch on for this kind and confident enough: the department is chosen for the user (once per answer, never over their own choice).
  const auto = answer.data?.autoDispatch ?? null;
  const preselected = useRef<SuggestionAnswer | null>(null);
  useEffect(() => {
    if (!auto || !answer.data || preselected.current === answer.data) return;
    preselected.current = answer.data;
    if (!selected) onPick(auto.departmentId);
  }, [auto, answer.data, selected, onPick]);

  if (text.trim() === '') return <Typography.Paragraph type="secondary">{t('ai.needText')}</Typography.Paragraph>;
  if (answer.isError) return <Alert type="warning" showIcon message={t('ai.unavailable')} />;
  const data = answer.data;
  return (
    <Space direction="vertical" className="launch-suggestions" style={{ width: '100%' }}>
      <List
        size="small"
        loading={answer.isPending}
        header={<Typography.Text strong>{t('ai.suggested')}</Typography.Text>}
        locale={{ emptyText: data?.notice ? (zh ? data.notice.messageZh : data.notice.message) : t('ai.none') }}
        dataSource={data?.suggestions ?? []}
        renderItem={(s) => (
          <List.Item>
            <List.Item.Meta
              title={
                <Space size={4} wrap>
                  {zh || !s.departmentNameEn ? s.departmentName : s.departmentNameEn}
                  {auto?.departmentId === s.departmentId ? (
                    <Tooltip title={t('ai.autoHint')}>
                      <Tag color="green" data-testid="auto-dispatch-tag">
                        {t('ai.auto')}
                      </Tag>
                    </Tooltip>
                  ) : null}
                </Space>
              }
              description={
                <>
                  {/* A number always (at 100% antd would draw a success tick): it is a confidence, not a finished job.
                      Under the name, with the pick button below: side by side they overlapped at 390 px. */}
                  <Progress
                    percent={Math.round(s.confidence * 100)}
                    status="normal"
                    format={(p) => `${p}%`}
                    size="small"
                    style={{ maxWidth: 160, display: 'block' }}
                    aria-label={t('ai.confidence')}
                  />
                  <Space wrap size={4}>
                    <Typography.Text type="secondary">{t('ai.because')}</Typography.Text>
                    {s.terms.map((term) => (
                      <Tag key={term}>{term}</Tag>
                    ))}
                  </Space>
                  <div className="suggestion-pick">
                    <Button
                      size="small"
                      type={selected === s.departmentId ? 'primary' : 'default'}
                      onClick={() => onPick(s.departmentId)}
                      aria-pressed={selected === s.departmentId}
                    >
                      {selected === s.departmentId ? t('ai.picked') : t('ai.pick')}
                    </Button>
                  </div>
                </>
              }
            />
          </List.Item>
        )}
      />
      {showDuplicates && data && data.duplicates.length > 0 ? (
        <Alert
          type="info"
          showIcon
          message={t('ai.duplicates')}
          description={
            <List
              size="small"
              dataSource={data.duplicates}
              renderItem={(d) => (
                <List.Item>
                  <Space wrap size={4}>
                    <Link to={`/items/${d.itemId}`}>
                      {d.code} {d.title}
                    </Link>
                    <ItemStatusTag status={d.status} />
                    <Tag>{t('ai.similarity', { percent: Math.round(d.similarity * 100) })}</Tag>
                  </Space>
                </List.Item>
              )}
            />
          }
        />
      ) : null}
      {data?.modelVersion != null ? (
        <Typography.Text type="secondary">{t('ai.model', { version: data.modelVersion })}</Typography.Text>
      ) : null}
    </Space>
  );
}
