/**
 * The audit log (every write and audit read, newest first) with filters, and whether its hash chain
 * is intact (`GET /api/audit-log/verify`, what `npm run audit-log:verify` checks).
 */
import './auditor.css';
import { CheckCircleFilled, ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Form, Input, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, qs } from '../../api/client';
import { DateTime } from '../../components/DateTime';
import { PageContainer } from '../../components/PageContainer';
import type { Page } from '../../api/types';
import type { AuditEntry, ChainReport } from './types';

interface Filters {
  actor?: string;
  action?: string;
  target?: string;
  from?: string;
  to?: string;
}

export default function AuditLogPage() {
  const { t } = useTranslation('auditor');
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const log = useQuery({
    queryKey: ['audit-log', filters, page],
    queryFn: ({ signal }) => get<Page<AuditEntry>>(`/api/audit-log${qs({ ...filters, page, pageSize: 50 })}`, signal),
    placeholderData: (previous) => previous,
  });
  const chain = useQuery({
    queryKey: ['audit-log', 'verify'],
    staleTime: 60_000,
    queryFn: ({ signal }) => get<ChainReport>('/api/audit-log/verify', signal),
  });
  const columns: TableColumnsType<AuditEntry> = [
    { title: t('log.at'), dataIndex: 'at', key: 'at', render: (at: string) => <DateTime iso={at} /> },
    {
      title: t('log.actor'),
      key: 'actor',
      render: (_, e) => (e.actorUsername ? `${e.actorUsername}${e.actorRole ? ` · ${t(`common:roles.${e.actorRole}`)}` : ''}` : '—'),
    },
    { title: t('log.action'), dataIndex: 'action', key: 'action', render: (a: string) => <code className="wrap-anywhere">{a}</code> },
    { title: t('log.target'), dataIndex: 'targetId', key: 'target', render: (id: string | null) => (id ? <code className="wrap-anywhere">{id}</code> : '—') },
    { title: t('log.status'), dataIndex: 'status', key: 'status', render: (s: number) => <Tag color={s < 300 ? 'success' : s < 500 ? 'warning' : 'error'}>{s}</Tag> },
    {
      title: t('log.hash'),
      dataIndex: 'hash',
      key: 'hash',
      render: (h: string) => (
        <Tooltip title={h}>
          <code>{h.slice(0, 10)}…</code>
        </Tooltip>
      ),
    },
  ];
  const onFinish = (v: { actor?: string; action?: string; target?: string; range?: [Dayjs | null, Dayjs | null] | null }) => {
    setPage(1);
    setFilters({
      actor: v.actor?.trim() || undefined,
      action: v.action?.trim() || undefined,
      target: v.target?.trim() || undefined,
      from: v.range?.[0]?.startOf('day').toISOString(),
      to: v.range?.[1]?.endOf('day').toISOString(),
    });
  };
  return (
    <PageContainer title={t('log.title')}>
      <ChainStatus chain={chain.data} error={chain.error} loading={chain.isFetching} onCheck={() => void chain.refetch()} />
      <Card size="small" className="filter-card">
        <Form layout="inline" onFinish={onFinish} className="audit-filters">
          <Form.Item name="actor" label={t('log.actor')}>
            <Input allowClear placeholder={t('log.actorHint')} />
          </Form.Item>
          <Form.Item name="action" label={t('log.action')}>
            <Input allowClear placeholder="POST /api/tasks" />
          </Form.Item>
          <Form.Item name="target" label={t('log.target')}>
            <Input allowClear />
          </Form.Item>
          <Form.Item name="range" label={t('log.period')}>
            <DatePicker.RangePicker allowEmpty={[true, true]} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              {t('common:search')}
            </Button>
          </Form.Item>
        </Form>
      </Card>
      <Card size="small">
        <Table<AuditEntry>
          rowKey="id"
          size="small"
          loading={log.isFetching}
          columns={columns}
          dataSource={log.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          pagination={{ current: page, pageSize: 50, total: log.data?.total ?? 0, onChange: setPage, showSizeChanger: false, showTotal: (n) => t('common:pageTotal', { total: n }) }}
        />
      </Card>
    </PageContainer>
  );
}

function ChainStatus({ chain, error, loading, onCheck }: { chain?: ChainReport; error: unknown; loading: boolean; onCheck: () => void }) {
  const { t } = useTranslation('auditor');
  const again = (
    <Button size="small" icon={<ReloadOutlined />} onClick={onCheck} loading={loading}>
      {t('chain.again')}
    </Button>
  );
  if (error) return <Alert className="chain-status" type="warning" showIcon title={t('chain.unknown')} action={again} />;
  if (!chain) return <Alert className="chain-status" type="info" showIcon title={t('chain.checking')} />;
  return chain.ok ? (
    <Alert className="chain-status" type="success" icon={<CheckCircleFilled />} showIcon title={t('chain.ok', { count: chain.checked })} action={again} data-testid="chain-status" data-ok="true" />
  ) : (
    <Alert
      className="chain-status"
      type="error"
      showIcon
      title={t('chain.broken', { id: chain.firstBroken?.id, count: chain.checked })}
      description={<Typography.Text>{chain.firstBroken?.reason}</Typography.Text>}
      action={again}
      data-testid="chain-status"
      data-ok="false"
    />
  );
}
