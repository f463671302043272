/**
 * An item's attachments with download links (the API lists only those the reader may download), and
 * an upload button: a department's evidence goes onto its own task (`taskId`), a supervisor's or
 * leader's scanned document onto the whole item (`itemId`). The API judges the type from the content
 * and enforces the size limits; its refusal is shown in the user's language.
 */
import { UploadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, List, Space, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, get, newKey, qs } from '../../api/client';
import { keys } from '../../api/keys';
import type { Attachment } from '../../api/types';
import { currentLang } from '../../app/i18n';
import { DateTime } from '../../components/DateTime';

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export interface AttachmentsCardProps {
  itemId: string;
  /** Where an upload goes: the department's own task, or (no taskId) the whole item; absent: no upload. */
  uploadTo?: { taskId?: string };
  /** Shows only these attachments (e.g. one task's on the task page). */
  onlyTaskId?: string;
  /** The department of a task's file (its tag in the list); not asked when `onlyTaskId` is set. */
  departmentOf?: (taskId: string | null) => string | null;
}

export function AttachmentsCard({ itemId, uploadTo, onlyTaskId, departmentOf }: AttachmentsCardProps) {
  const { t } = useTranslation('item');
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [uploading, setUploading] = useState(false);
  const list = useQuery({
    queryKey: keys.itemAttachments(itemId),
    queryFn: ({ signal }) => get<{ items: Attachment[] }>(`/api/items/${itemId}/attachments`, signal),
  });
  const files = (list.data?.items ?? []).filter((a) => !onlyTaskId || a.taskId === onlyTaskId);

  async function send(file: File) {
    const form = new FormData();
    form.append('file', file);
    setUploading(true);
    try {
      const target = uploadTo?.taskId ? { taskId: uploadTo.taskId } : { itemId };
      await api<Attachment>('POST', `/api/attachments${qs(target)}`, { body: form, idempotencyKey: newKey() });
      void message.success(t('attachments.uploaded', { name: file.name }));
      await queryClient.invalidateQueries({ queryKey: keys.itemAttachments(itemId) });
    } catch (error) {
      void message.error(error instanceof ApiError ? error.localized(currentLang()) : String(error));
    } finally {
      setUploading(false);
    }
  }

  return (
    <Card
      size="small"
      title={t('attachments.title')}
      className="section attachments"
      data-testid="attachments"
      extra={
        uploadTo && (
          <Upload
            showUploadList={false}
            multiple={false}
            customRequest={({ file, onSuccess }) => {
              void send(file as File).then(() => onSuccess?.({}));
            }}
          >
            <Button icon={<UploadOutlined />} loading={uploading}>
              {t(uploadTo.taskId ? 'attachments.uploadEvidence' : 'attachments.upload')}
            </Button>
          </Upload>
        )
      }
    >
      {files.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={list.isPending ? '…' : t('attachments.none')} />
      ) : (
        <List
          size="small"
          dataSource={files}
          renderItem={(a) => {
            const dept = departmentOf?.(a.taskId) ?? null;
            return (
              <List.Item key={a.id} data-attachment={a.id}>
                <Space size={8} wrap>
                  <a href={`/api/attachments/${a.id}`} download={a.name} className="wrap-anywhere">
                    {a.name}
                  </a>
                  <Typography.Text type="secondary">{size(a.size)}</Typography.Text>
                  {!onlyTaskId && (dept ? <Tag>{dept}</Tag> : <Tag color="blue">{t('attachments.itemLevel')}</Tag>)}
                  {a.uploadedAt && (
                    <Typography.Text type="secondary">
                      <DateTime iso={a.uploadedAt} />
                    </Typography.Text>
                  )}
                </Space>
              </List.Item>
            );
          }}
        />
      )}
    </Card>
  );
}
