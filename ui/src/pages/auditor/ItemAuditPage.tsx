/**
 * One item for the auditor: its history in plain words (from Temporal's histories, in the user's
 * language), the item exactly as it was at any event or instant (replay), the verification
 * (today's code replays the histories; the read model agrees), and the downloads. Read-only:
 * no action of the workflow is offered here.
 */
import './auditor.css';
import { CheckCircleFilled, CloseCircleFilled, DownloadOutlined, FilePdfOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, DatePicker, Descriptions, Flex, List, Row, Slider, Table, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { get, qs } from '../../api/client';
import { keys } from '../../api/keys';
import { useDepartmentName } from '../../api/queries';
import type { ItemDetail } from '../../api/types';
import { currentLang } from '../../app/i18n';
import { DateTime } from '../../components/DateTime';
import { LightBadge } from '../../components/LightBadge';
import { ErrorAlert, PageContainer } from '../../components/PageContainer';
import { ItemStatusTag, OutcomeTag, TaskStatusTag } from '../../components/StatusTag';
import type { HistoryLine, HistoryView, Replayed, ReplayedTask, VerifyReport } from './types';

type Point = { kind: 'event'; seq: number; ref: string } | { kind: 'time'; iso: string };

export default function ItemAuditPage() {
  const { t } = useTranslation('auditor');
  const { id = '' } = useParams();
  const lang = currentLang();
  const item = useQuery({ queryKey: keys.item(id), queryFn: ({ signal }) => get<ItemDetail>(`/api/items/${id}`, signal) });
  const history = useQuery({
    queryKey: [...keys.itemHistory(id), lang],
    queryFn: ({ signal }) => get<HistoryView>(`/api/items/${id}/history${qs({ lang })}`, signal),
  });
  const [point, setPoint] = useState<Point | null>(null);
  const events = history.data?.events ?? [];
  const last = events[events.length - 1];
  const shown: Point | null = point ?? (last ? { kind: 'event', seq: last.seq, ref: last.ref } : null);

  return (
    <PageContainer
      title={item.data ? `${item.data.code} ${item.data.title}` : t('title')}
      subTitle={
        <Flex gap={8} wrap align="center">
          <span>{t('title')}</span>
          {item.data && <ItemStatusTag status={item.data.status} />}
          {item.data && <LightBadge light={item.data.light} />}
          <Link to={`/items/${id}`}>{t('itemPage')}</Link>
        </Flex>
      }
      extra={
        <>
          <Button icon={<DownloadOutlined />} href={`/api/items/${id}/history/raw`} download={`history-${id}.json`} data-testid="raw-json">
            {t('rawJson')}
          </Button>
          <Button icon={<FilePdfOutlined />} href={`/api/items/${id}/dossier.pdf`} download data-testid="dossier">
            {t('dossier')}
          </Button>
        </>
      }
      error={item.error ?? history.error}
      loading={item.isPending || history.isPending}
    >
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={13}>
          <Card size="small" title={t('history.title', { count: events.length })} extra={history.data && <Tag>{t(`source.${history.data.source}`)}</Tag>}>
            <HistoryTimeline events={events} selected={shown?.kind === 'event' ? shown.seq : null} onPick={(e) => setPoint({ kind: 'event', seq: e.seq, ref: e.ref })} />
          </Card>
        </Col>
        <Col xs={24} lg={11}>
          <Flex vertical gap={16}>
            <ReplayCard itemId={id} events={events} point={shown} onPoint={setPoint} />
            <VerifyCard itemId={id} />
          </Flex>
        </Col>
      </Row>
    </PageContainer>
  );
}

function HistoryTimeline({ events, selected, onPick }: { events: HistoryLine[]; selected: number | null; onPick: (e: HistoryLine) => void }) {
  const { t } = useTranslation('auditor');
  return (
    <div className="audit-timeline">
      <Timeline
        items={events.map((e) => ({
          key: e.seq,
          color: e.refused ? 'red' : e.seq === selected ? 'blue' : 'gray',
          content: (
            <div className={`audit-event${e.seq === selected ? ' audit-event-selected' : ''}`} data-testid="history-event" data-action={e.action}>
              {/* The API's words already carry the time (China time) and who acted. */}
              <div className="wrap-anywhere">{e.text}</div>
              {e.refused && <Typography.Text type="danger">{t('history.refused', { why: e.refused })}</Typography.Text>}
              <Button type="link" size="small" className="audit-pick" onClick={() => onPick(e)} aria-pressed={e.seq === selected}>
                {e.seq === selected ? t('history.shown') : t('history.showHere')}
              </Button>
            </div>
          ),
        }))}
      />
    </div>
  );
}

function ReplayCard({ itemId, events, point, onPoint }: { itemId: string; events: HistoryLine[]; point: Point | null; onPoint: (p: Point) => void }) {
  const { t } = useTranslation('auditor');
  const departmentName = useDepartmentName();
  const at = point ? (point.kind === 'event' ? point.ref : point.iso) : null;
  const replay = useQuery({
    queryKey: [...keys.item(itemId), 'replay', at],
    enabled: !!at,
    queryFn: ({ signal }) => get<Replayed>(`/api/items/${itemId}/replay${qs({ at })}`, signal),
    placeholderData: (previous) => previous,
  });
  const seq = point?.kind === 'event' ? point.seq : null;
  const event = seq !== null ? events.find((e) => e.seq === seq) : null;
  const s = replay.data;
  return (
    <Card size="small" title={t('replay.title')} data-testid="replay">
      {events.length > 1 && (
        <Slider
          min={1}
          max={events.length}
          value={seq ?? events.length}
          onChange={(v) => {
            const e = events[v - 1];
            if (e) onPoint({ kind: 'event', seq: e.seq, ref: e.ref });
          }}
          tooltip={{ formatter: (v) => (v ? t('replay.eventN', { n: v }) : null) }}
          ariaLabelForHandle={t('replay.slider')}
          ariaValueTextFormatterForHandle={(v) => (v ? t('replay.eventN', { n: v }) : '')}
        />
      )}
      <Flex gap={8} wrap align="center" className="replay-instant">
        <label htmlFor="replay-at">{t('replay.orInstant')}</label>
        <DatePicker
          id="replay-at"
          showTime
          value={point?.kind === 'time' ? dayjs(point.iso) : null}
          onChange={(d) => d && onPoint({ kind: 'time', iso: d.toISOString() })}
        />
      </Flex>
      <Typography.Paragraph className="replay-at" data-testid="replay-at">
        {event ? t('replay.afterEvent', { n: event.seq, text: event.text }) : point?.kind === 'time' ? t('replay.atInstant') : null}
        {point?.kind === 'time' && <DateTime iso={point.iso} />}
      </Typography.Paragraph>
      {replay.error ? (
        <ErrorAlert error={replay.error} />
      ) : !s ? (
        <Card loading variant="borderless" />
      ) : !s.item ? (
        <Alert type="info" showIcon title={t('replay.notYet')} />
      ) : (
        <div data-testid="replay-state" aria-busy={replay.isFetching}>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('replay.status')}>
              <ItemStatusTag status={s.item.status} />
            </Descriptions.Item>
            <Descriptions.Item label={t('replay.light')}>
              <LightBadge light={s.item.light} />
            </Descriptions.Item>
            <Descriptions.Item label={t('replay.due')}>
              <DateTime iso={s.item.dueAt} />
            </Descriptions.Item>
          </Descriptions>
          <Table<ReplayedTask>
            className="replay-tasks"
            rowKey="id"
            size="small"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={s.tasks}
            columns={[
              { title: t('replay.department'), key: 'd', render: (_, r) => <span className="wrap-anywhere">{departmentName(r.departmentId)}</span> },
              { title: t('replay.taskStatus'), key: 's', render: (_, r) => <TaskStatusTag status={r.status} /> },
              { title: t('replay.light'), key: 'l', render: (_, r) => <LightBadge light={r.light} short /> },
              { title: t('replay.due'), key: 'due', render: (_, r) => <DateTime iso={r.dueAt} /> },
              { title: t('replay.outcome'), key: 'o', render: (_, r) => <OutcomeTag outcome={r.outcome} /> },
              { title: t('replay.returns'), key: 'r', align: 'right', render: (_, r) => r.returnCount ?? 0 },
            ]}
          />
        </div>
      )}
    </Card>
  );
}

function VerifyCard({ itemId }: { itemId: string }) {
  const { t } = useTranslation('auditor');
  const verify = useQuery({
    queryKey: [...keys.item(itemId), 'verify'],
    staleTime: Infinity,
    queryFn: ({ signal }) => get<VerifyReport>(`/api/items/${itemId}/verify`, signal),
  });
  const mark = (ok: boolean, text: string, testId: string) => (
    <Flex gap={8} align="center" data-testid={testId} data-ok={ok}>
      {ok ? <CheckCircleFilled style={{ color: '#389e0d' }} /> : <CloseCircleFilled style={{ color: '#cf1322' }} />}
      <span>{text}</span>
    </Flex>
  );
  const v = verify.data;
  return (
    <Card
      size="small"
      title={t('verify.title')}
      extra={
        <Button size="small" icon={<ReloadOutlined />} onClick={() => void verify.refetch()} loading={verify.isFetching}>
          {t('verify.again')}
        </Button>
      }
    >
      {verify.error ? (
        <ErrorAlert error={verify.error} />
      ) : !v ? (
        <Card loading variant="borderless" />
      ) : (
        <Flex vertical gap={8}>
          {mark(v.replay.ok, v.replay.ok ? t('verify.replayOk', { count: v.replay.details.length }) : t('verify.replayBad'), 'verify-replay')}
          {v.replay.details
            .filter((d) => !d.ok)
            .map((d) => (
              <Alert key={d.runId} type="error" title={`${d.workflowId}: ${d.error ?? ''}`} />
            ))}
          {mark(v.readModel.ok, v.readModel.ok ? t('verify.readModelOk') : t('verify.readModelBad', { count: v.readModel.differences.length }), 'verify-read-model')}
          {v.readModel.differences.length > 0 && (
            <List
              size="small"
              dataSource={v.readModel.differences}
              renderItem={(d) => (
                <List.Item className="wrap-anywhere">
                  {t('verify.difference', { table: d.table, field: d.field, readModel: JSON.stringify(d.readModel), workflow: JSON.stringify(d.workflow) })}
                </List.Item>
              )}
            />
          )}
        </Flex>
      )}
    </Card>
  );
}
