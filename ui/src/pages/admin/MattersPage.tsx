/** Supervision matters (监管事项清单): each department's list, filtered by department; add, edit and delete; import a spreadsheet. */
import './admin.css';
import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Drawer, Flex, Form, Input, Popconfirm, Select, Space, Table, Tag, Upload, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, get, qs } from '../../api/client';
import { useDepartments } from '../../api/queries';
import type { Page } from '../../api/types';
import { useApiForm } from '../../api/useApiForm';
import { errorText, FormError, PageContainer } from '../../components/PageContainer';
import { MATTER_LEVELS, MATTERS, type Matter } from '../../features/matters/matters';

export default function MattersPage() {
  const { t } = useTranslation('matters');
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const departments = useDepartments();
  const [departmentId, setDepartmentId] = useState<string | undefined>();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Matter | 'new' | null>(null);
  const matters = useQuery({
    queryKey: [...MATTERS, { departmentId, q, page }],
    queryFn: ({ signal }) => get<Page<Matter>>(`/api/matters${qs({ departmentId, q: q || undefined, page, pageSize: 50 })}`, signal),
    placeholderData: (previous) => previous,
  });
  const remove = async (matter: Matter) => {
    try {
      await api('DELETE', `/api/matters/${matter.id}`);
      await queryClient.invalidateQueries({ queryKey: MATTERS });
      void message.success(t('common:done'));
    } catch (e) {
      void message.error(errorText(e, t));
    }
  };
  const columns: TableColumnsType<Matter> = [
    { title: t('code'), dataIndex: 'code', key: 'code' },
    { title: t('name'), dataIndex: 'name', key: 'name', render: (v: string) => <span className="wrap-anywhere">{v}</span> },
    { title: t('department'), dataIndex: 'departmentName', key: 'department' },
    { title: t('level'), dataIndex: 'level', key: 'level', render: (l: string) => <Tag>{t(`levels.${l}`)}</Tag> },
    { title: t('object'), dataIndex: 'object', key: 'object', responsive: ['md'], render: (v: string | null) => v ?? '—' },
    {
      title: t('actions'),
      key: 'actions',
      render: (_, m) => (
        <Space size={4} wrap>
          <Button size="small" onClick={() => setEditing(m)}>
            {t('common:edit')}
          </Button>
          <Popconfirm title={t('deleteConfirm')} onConfirm={() => remove(m)}>
            <Button size="small" danger>
              {t('delete')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];
  return (
    <PageContainer
      title={t('title')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('add')}
        </Button>
      }
      error={matters.error}
    >
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        <MatterImport />
        <Card size="small">
          <Flex gap={8} wrap className="table-filters">
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder={t('allDepartments')}
              aria-label={t('department')}
              value={departmentId}
              onChange={(v: string | undefined) => (setPage(1), setDepartmentId(v))}
              options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
              style={{ minWidth: 200 }}
            />
            <Input.Search allowClear placeholder={t('search')} aria-label={t('search')} onSearch={(v) => (setPage(1), setQ(v.trim()))} style={{ maxWidth: 280 }} />
          </Flex>
          <Table<Matter>
            rowKey="id"
            size="small"
            loading={matters.isFetching}
            columns={columns}
            dataSource={matters.data?.items ?? []}
            scroll={{ x: 'max-content' }}
            pagination={{ current: page, pageSize: 50, total: matters.data?.total ?? 0, onChange: setPage, showSizeChanger: false, hideOnSinglePage: true }}
          />
        </Card>
      </Space>
      <Drawer open={!!editing} title={editing === 'new' ? t('add') : t('edit')} onClose={() => setEditing(null)} width="min(560px, 100vw)" destroyOnHidden>
        {editing && <MatterForm matter={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />}
      </Drawer>
    </PageContainer>
  );
}

type MatterBody = Omit<Matter, 'id' | 'departmentName' | 'departmentNameEn' | 'updatedAt'>;

function MatterForm({ matter, onDone }: { matter: Matter | null; onDone: () => void }) {
  const { t } = useTranslation('matters');
  const { message } = App.useApp();
  const [form] = Form.useForm<MatterBody>();
  const departments = useDepartments();
  const save = useApiForm<MatterBody, Matter>({
    method: matter ? 'PATCH' : 'POST',
    path: matter ? `/api/matters/${matter.id}` : '/api/matters',
    form,
    invalidate: [MATTERS],
    onSuccess: () => {
      void message.success(t('common:saved'));
      onDone();
    },
  });
  const required = [{ required: true, message: t('common:required') }];
  const text = (name: keyof MatterBody, rows = 2) => (
    <Form.Item name={name} label={t(name)}>
      <Input.TextArea autoSize={{ minRows: rows, maxRows: 8 }} />
    </Form.Item>
  );
  return (
    <Form form={form} layout="vertical" initialValues={matter ?? { level: 'city' }} onFinish={(v) => void save.submit(v)}>
      <Form.Item name="code" label={t('code')} rules={required} extra={t('codeHint')}>
        <Input autoComplete="off" />
      </Form.Item>
      <Form.Item name="name" label={t('name')} rules={required}>
        <Input />
      </Form.Item>
      <Form.Item name="departmentId" label={t('department')} rules={required}>
        <Select showSearch optionFilterProp="label" options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))} />
      </Form.Item>
      <Form.Item name="level" label={t('level')} rules={required}>
        <Select options={MATTER_LEVELS.map((l) => ({ value: l, label: t(`levels.${l}`) }))} />
      </Form.Item>
      {text('object', 1)}
      {text('legalBasis')}
      {text('process')}
      {text('expectedResult')}
      <FormError message={save.formError} />
      <Button type="primary" htmlType="submit" loading={save.pending}>
        {t('common:save')}
      </Button>
    </Form>
  );
}

/** The import: one xlsx or CSV file; the answer says how many were added and updated, or names the bad row and field. */
function MatterImport() {
  const { t, i18n } = useTranslation('matters');
  const queryClient = useQueryClient();
  const [result, setResult] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  const upload = useMutation({
    mutationFn: (file: File) => {
      const body = new FormData();
      body.append('file', file, file.name);
      return api<{ rows: number; created: number; updated: number }>('POST', '/api/matters/import', { body });
    },
    onSuccess: async (r) => {
      setResult({ type: 'success', text: t('imported', r) });
      await queryClient.invalidateQueries({ queryKey: MATTERS });
    },
    onError: (e) => setResult({ type: 'error', text: e instanceof ApiError ? e.localized(i18n.language) : e.message }),
  });
  return (
    <Card size="small" title={t('import')}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <span className="wrap-anywhere">{t('importHint')}</span>
        <Upload
          accept=".xlsx,.csv"
          maxCount={1}
          showUploadList={false}
          beforeUpload={(file) => {
            upload.mutate(file);
            return false;
          }}
        >
          <Button icon={<UploadOutlined />} loading={upload.isPending}>
            {t('chooseFile')}
          </Button>
        </Upload>
        {result ? <Alert type={result.type} showIcon message={result.text} role={result.type === 'error' ? 'alert' : 'status'} /> : null}
      </Space>
    </Card>
  );
}
