/** What a department reported (progress texts and percent, every completion-form field with the template's titles) and the timeline. */
import { Descriptions, Empty, Progress, Space, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { JsonSchemaObject, TimelineEntry } from '../../api/types';
import { currentLang } from '../../app/i18n';
import { DateTime } from '../../components/DateTime';

type Data = Record<string, unknown> | null | undefined;

function text(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.map(text).join('\n');
  if (typeof v === 'object') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? '✓' : '✗';
  return String(v);
}

/** The completion form's fields, each under the template's title as written (unknown keys by their name). */
export function CompletionFields({ fields, schema }: { fields: Record<string, unknown>; schema?: JsonSchemaObject }) {
  const props = schema?.properties ?? {};
  const keys = [...Object.keys(props).filter((k) => k in fields), ...Object.keys(fields).filter((k) => !(k in props))];
  if (keys.length === 0) return null;
  return (
    <Descriptions column={1} size="small" bordered className="completion-fields">
      {keys.map((k) => (
        <Descriptions.Item key={k} label={typeof props[k]?.title === 'string' ? (props[k]!.title as string) : k}>
          <span className="pre-wrap wrap-anywhere" data-field={k}>
            {text(fields[k])}
          </span>
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

/** One task's reports, newest first: progress entries and completion reports. */
export function TaskReports({ entries, schema }: { entries: TimelineEntry[]; schema?: JsonSchemaObject }) {
  const { t } = useTranslation('item');
  const reports = entries.filter((e) => e.type === 'progress' || e.type === 'complete').sort((a, b) => b.at.localeCompare(a.at));
  if (reports.length === 0) return <Typography.Text type="secondary">{t('noReports')}</Typography.Text>;
  return (
    <div className="task-reports">
      {reports.map((e) => {
        const d = (e.data ?? {}) as Data & Record<string, unknown>;
        return (
          <div key={e.id} className="report" data-report={e.type}>
            <Space size={8} wrap className="report-head">
              <Tag color={e.type === 'complete' ? 'purple' : 'blue'}>{e.type === 'complete' ? t('completionReport') : t('progressReport')}</Tag>
              <Typography.Text type="secondary">
                {e.actor.name} · <DateTime iso={e.at} />
              </Typography.Text>
            </Space>
            {e.type === 'progress' && (
              <>
                {typeof d.percent === 'number' && <Progress percent={d.percent} size="small" aria-label={t('percent')} />}
                <Typography.Paragraph className="pre-wrap wrap-anywhere">{text(d.text)}</Typography.Paragraph>
              </>
            )}
            {e.type === 'complete' && (
              <>
                <Typography.Paragraph className="pre-wrap wrap-anywhere">
                  <Typography.Text type="secondary">{t('summary')}{t('common:colon')}</Typography.Text>
                  {text(d.summary)}
                </Typography.Paragraph>
                {d.fields && typeof d.fields === 'object' && <CompletionFields fields={d.fields as Record<string, unknown>} schema={schema} />}
              </>
            )}
          </div>
        );
      })}
    </div>
  );
}

/** What an entry says beyond its type: the words written with it. */
function entryDetail(e: TimelineEntry, t: (k: string) => string): string | null {
  const d = (e.data ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof d.decision === 'string') parts.push(t(`timeline:${d.decision}`));
  if (typeof d.approve === 'boolean') parts.push(t(d.approve ? 'timeline:approved' : 'timeline:denied'));
  for (const k of ['text', 'summary', 'message', 'comment', 'reason']) if (typeof d[k] === 'string' && d[k]) parts.push(d[k] as string);
  if (typeof d.percent === 'number') parts.push(`${d.percent}%`);
  if (typeof d.from === 'string' && typeof d.to === 'string' && ['green', 'yellow', 'red'].includes(d.to)) parts.push(`${t(`common:lightShort.${d.from}`)} → ${t(`common:lightShort.${d.to}`)}`);
  return parts.length ? parts.join(' · ') : null;
}

export function ItemTimeline({ entries, departmentOf }: { entries: TimelineEntry[]; departmentOf: (taskId: string | null) => string | null }) {
  const { t } = useTranslation('item');
  const lang = currentLang();
  if (entries.length === 0) return <Empty description={t('noTimeline')} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  const sorted = [...entries].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <Timeline
      className="timeline"
      items={sorted.map((e) => {
        const reason = e.reason ? (lang === 'zh' ? (e.reason.zh ?? e.reason.en) : e.reason.en) : null;
        const detail = entryDetail(e, t);
        const dept = departmentOf(e.taskId);
        return {
          key: e.id,
          color: e.type === 'light_changed' ? 'orange' : e.type === 'urge' || e.type === 'urge_escalated' ? 'red' : 'blue',
          content: (
            <div data-type={e.type} className="timeline-entry">
              <Space size={8} wrap>
                <Typography.Text strong>{t(`timeline:${e.type}`, { defaultValue: e.type })}</Typography.Text>
                {dept && <Tag>{dept}</Tag>}
                <Typography.Text type="secondary">
                  {e.actor.role === 'system' || !e.actor.userId ? t('timeline:system') : e.actor.name} · <DateTime iso={e.at} />
                </Typography.Text>
              </Space>
              {reason && <div className="timeline-reason">{reason}</div>}
              {detail && <div className="pre-wrap wrap-anywhere timeline-detail">{detail}</div>}
            </div>
          ),
        };
      })}
    />
  );
}
