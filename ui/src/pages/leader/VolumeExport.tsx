/**
 * The PDF volume of every item one leader issued: `POST /api/exports` queues it, the status is
 * followed (the live stream's `export` events, and a poll each second while it runs) with a
 * progress bar, and the file is offered once done.
 */
import { DownloadOutlined, FilePdfOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Form, Modal, Progress, Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get } from '../../api/client';
import { keys } from '../../api/keys';
import { useLeaders } from '../../api/queries';
import { useApiForm } from '../../api/useApiForm';
import { FormError } from '../../components/PageContainer';
import type { ExportStatus } from './types';

export function VolumeExport() {
  const { t } = useTranslation('leader');
  const [open, setOpen] = useState(false);
  const [exportId, setExportId] = useState<string | null>(null);
  const [form] = Form.useForm<{ issuedBy: string }>();
  const leaders = useLeaders();
  const request = useApiForm<{ type: 'volume'; issuedBy: string }, { id: string }>({
    path: '/api/exports',
    form,
    onSuccess: (answer) => setExportId(answer.id),
  });
  const status = useQuery({
    queryKey: keys.exports(exportId ?? undefined),
    enabled: !!exportId,
    queryFn: ({ signal }) => get<ExportStatus>(`/api/exports/${exportId}`, signal),
    refetchInterval: (q) => (q.state.data && ['done', 'failed'].includes(q.state.data.status) ? false : 1000),
  });
  const s = status.data;
  const close = () => {
    setOpen(false);
    setExportId(null);
    request.clearError();
  };
  return (
    <>
      <Button icon={<FilePdfOutlined />} onClick={() => setOpen(true)} data-testid="volume-open">
        {t('volume.button')}
      </Button>
      <Modal open={open} title={t('volume.title')} onCancel={close} footer={null} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={(v) => void request.submit({ type: 'volume', issuedBy: v.issuedBy })} disabled={!!exportId && s?.status !== 'failed'}>
          <Form.Item name="issuedBy" label={t('volume.leader')} rules={[{ required: true, message: t('common:required') }]}>
            <Select
              showSearch
              optionFilterProp="label"
              loading={leaders.isPending}
              options={(leaders.data ?? []).map((l) => ({ value: l.id, label: l.displayName }))}
              placeholder={t('volume.pick')}
            />
          </Form.Item>
          <FormError message={request.formError} />
          {!exportId && (
            <Button type="primary" htmlType="submit" loading={request.pending}>
              {t('volume.start')}
            </Button>
          )}
        </Form>
        {exportId && (
          <Space direction="vertical" style={{ width: '100%' }} data-testid="volume-status" data-status={s?.status ?? 'queued'}>
            <Progress percent={s?.progress ?? 0} aria-label={t('volume.title')} status={s?.status === 'failed' ? 'exception' : s?.status === 'done' ? 'success' : 'active'} />
            <span>{t(`volume.status.${s?.status ?? 'queued'}`, { count: s?.itemCount ?? 0 })}</span>
            {s?.notice && <Alert type="warning" showIcon title={s.notice} />}
            {s?.status === 'failed' && <Alert type="error" showIcon title={s.error ?? t('volume.status.failed')} />}
            {s?.status === 'done' && (
              <Button type="primary" icon={<DownloadOutlined />} href={`/api/exports/${exportId}/file`} download data-testid="volume-download">
                {t('volume.download')}
              </Button>
            )}
          </Space>
        )}
      </Modal>
    </>
  );
}
