/**
 * AI assist for the administrator: the model's runs (retrain now, with its progress), its held-out
 * precision and recall per department, the import of past work orders, and auto-dispatch per kind.
 */
import './admin.css';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Progress, Space, Switch, Table, Tag, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, get } from '../../api/client';
import { useDepartmentName } from '../../api/queries';
import { ITEM_KINDS, type ItemKind } from '../../api/types';
import { PageContainer } from '../../components/PageContainer';
import { RiskModelCard } from './RiskModelCard';

interface ModelRun {
  version: number;
  status: 'training' | 'ready' | 'failed' | 'too_little_history';
  progress: number;
  examples: number | null;
  threshold: number | null;
  coverage: number | null;
  targetPrecision: number;
  figures: {
    accuracy: number;
    top3: number;
    macroF1: number;
    perLabel: Array<{ label: string; precision: number; recall: number; support: number }>;
  } | null;
  message: string | null;
}
const MODELS = ['ai', 'models'];
const SWITCHES = ['ai', 'auto-dispatch'];
/** Every kind that may go automatic: the launched ones, and the hotline's appeals (registered, not launched). */
const AUTO_KINDS: ItemKind[] = [...ITEM_KINDS, 'appeal'];
const pct = (x: number | null | undefined) => (x == null ? '—' : `${(x * 100).toFixed(1)} %`);

export default function AiAssistPage() {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const deptName = useDepartmentName();
  const models = useQuery({
    queryKey: MODELS,
    queryFn: ({ signal }) => get<{ models: ModelRun[] }>('/api/ai/models', signal),
    // The progress bar moves while a run trains.
    refetchInterval: (query) => (query.state.data?.models.some((m) => m.status === 'training') ? 1500 : false),
  });
  const switches = useQuery({
    queryKey: SWITCHES,
    queryFn: ({ signal }) => get<{ kinds: Array<{ kind: string; enabled: boolean }> }>('/api/ai/auto-dispatch', signal),
  });
  const retrain = useMutation({
    mutationFn: () => api('POST', '/api/ai/models', { body: {} }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: MODELS }),
  });
  const toggle = useMutation({
    mutationFn: ({ kind, enabled }: { kind: string; enabled: boolean }) =>
      api('PUT', `/api/ai/auto-dispatch/${kind}`, { body: { enabled } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: SWITCHES }),
  });
  const ready = models.data?.models.find((m) => m.status === 'ready');

  return (
    <PageContainer title={t('ai.title')} subTitle={t('ai.hint')} loading={models.isPending} error={models.error}>
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        <Card
          size="small"
          title={t('ai.models')}
          extra={
            <Button type="primary" loading={retrain.isPending} onClick={() => retrain.mutate()}>
              {t('ai.retrain')}
            </Button>
          }
        >
          <Table<ModelRun>
            size="small"
            rowKey="version"
            pagination={false}
            dataSource={models.data?.models ?? []}
            columns={[
              { title: t('ai.version'), dataIndex: 'version' },
              {
                title: t('ai.status'),
                render: (_, m) =>
                  m.status === 'training' ? (
                    <Progress percent={m.progress} size="small" style={{ width: 140 }} />
                  ) : (
                    <Tag color={m.status === 'ready' ? 'green' : 'default'}>{t(`ai.statuses.${m.status}`)}</Tag>
                  ),
              },
              { title: t('ai.examples'), dataIndex: 'examples' },
              { title: t('ai.accuracy'), render: (_, m) => pct(m.figures?.accuracy) },
              { title: t('ai.top3'), render: (_, m) => pct(m.figures?.top3) },
              { title: t('ai.threshold'), render: (_, m) => (m.threshold == null ? '—' : m.threshold.toFixed(3)) },
              { title: t('ai.coverage', { precision: pct(ready?.targetPrecision ?? 0.98) }), render: (_, m) => pct(m.coverage) },
            ]}
          />
        </Card>
        {ready?.figures ? (
          <Card size="small" title={t('ai.perDepartment', { version: ready.version })}>
            <Table
              size="small"
              rowKey="label"
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              dataSource={ready.figures.perLabel}
              columns={[
                { title: t('ai.department'), render: (_, f) => deptName(f.label) },
                { title: t('ai.precision'), render: (_, f) => pct(f.precision) },
                { title: t('ai.recall'), render: (_, f) => pct(f.recall) },
                { title: t('ai.support'), dataIndex: 'support' },
              ]}
            />
          </Card>
        ) : null}
        <Card size="small" title={t('ai.autoDispatch')} extra={<span>{t('ai.autoDispatchHint', { coverage: pct(ready?.coverage) })}</span>}>
          <Space direction="vertical">
            {AUTO_KINDS.map((kind) => (
              <Space key={kind}>
                <Switch
                  checked={switches.data?.kinds.find((k) => k.kind === kind)?.enabled ?? false}
                  loading={toggle.isPending}
                  onChange={(enabled) => toggle.mutate({ kind, enabled })}
                  aria-label={t(`common:kinds.${kind}`)}
                />
                {t(`common:kinds.${kind}`)}
              </Space>
            ))}
          </Space>
        </Card>
        <RiskModelCard />
        <HistoryImport onImported={(rows) => void message.success(t('ai.imported', { rows }))} />
      </Space>
    </PageContainer>
  );
}

function HistoryImport({ onImported }: { onImported(rows: number): void }) {
  const { t, i18n } = useTranslation('admin');
  const [error, setError] = useState<string | null>(null);
  const upload = useMutation({
    mutationFn: async (file: File) => {
      const format = file.name.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl';
      return api<{ rows: number }>('POST', '/api/ai/history', { body: { format, content: await file.text() } });
    },
    onSuccess: (r) => {
      setError(null);
      onImported(r.rows);
    },
    onError: (e) => setError(e instanceof ApiError ? e.localized(i18n.language) : e.message),
  });
  return (
    <Card size="small" title={t('ai.import')}>
      <Form layout="vertical">
        <Form.Item extra={t('ai.importHint')}>
          <Upload
            accept=".csv,.jsonl,.json"
            maxCount={1}
            showUploadList={false}
            beforeUpload={(file) => {
              upload.mutate(file);
              return false;
            }}
          >
            <Button loading={upload.isPending}>{t('ai.chooseFile')}</Button>
          </Upload>
        </Form.Item>
        {error ? <Alert type="error" showIcon message={error} /> : null}
      </Form>
    </Card>
  );
}
