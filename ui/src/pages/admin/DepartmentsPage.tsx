/**
 * The department tree with each department's leader; selecting one shows its details (name,
 * parent, leader), its notification channels (e-mail, webhooks, quiet hours, digest) and its
 * group robots and webhooks (WeCom, DingTalk, generic signed JSON).
 */
import './admin.css';
import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Empty, Form, Input, Modal, Popconfirm, Row, Select, Space, Switch, Table, Tag, TimePicker, Tree, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, get } from '../../api/client';
import { keys } from '../../api/keys';
import { useDepartments, useLeaders } from '../../api/queries';
import type { DepartmentChannels, DepartmentWebhook } from '../../api/types';
import { useApiForm } from '../../api/useApiForm';
import { errorText, FormError, PageContainer } from '../../components/PageContainer';
import type { AdminDepartment } from './types';

interface TreeNode {
  key: string;
  title: ReactNode;
  children: TreeNode[];
}

export default function DepartmentsPage() {
  const { t } = useTranslation('admin');
  const departments = useDepartments();
  const leaders = useLeaders();
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const all = (departments.data ?? []) as unknown as AdminDepartment[];
  const leaderName = (id: string | null) => (id ? (leaders.data?.find((l) => l.id === id)?.displayName ?? '…') : null);

  const tree = useMemo(() => {
    const byParent = new Map<string | null, AdminDepartment[]>();
    const ids = new Set(all.map((d) => d.id));
    for (const d of all) {
      const parent = d.parentId && ids.has(d.parentId) ? d.parentId : null;
      byParent.set(parent, [...(byParent.get(parent) ?? []), d]);
    }
    const build = (parent: string | null): TreeNode[] =>
      (byParent.get(parent) ?? [])
        .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'))
        .map((d) => ({
          key: d.id,
          title: (
            <span className="dept-node" data-testid="dept-node">
              <span className="wrap-anywhere">{d.name}</span>
              {d.nameEn && d.nameEn !== d.name && <Typography.Text type="secondary"> {d.nameEn}</Typography.Text>}
              {d.leaderUserId && <Tag className="dept-leader">{t('departments.leaderTag', { name: leaderName(d.leaderUserId) })}</Tag>}
            </span>
          ),
          children: build(d.id),
        }));
    return build(null);
  }, [all, leaders.data, t]);

  const current = all.find((d) => d.id === selected) ?? null;
  return (
    <PageContainer
      title={t('departments.title')}
      subTitle={t('departments.count', { count: all.length })}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('departments.add')}
        </Button>
      }
      loading={departments.isPending}
      error={departments.error}
    >
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={9}>
          <Card size="small" title={t('departments.tree')}>
            {tree.length === 0 ? (
              <Empty />
            ) : (
              <Tree treeData={tree} defaultExpandAll selectedKeys={selected ? [selected] : []} onSelect={(k) => setSelected((k[0] as string) ?? null)} blockNode />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={15}>
          {current ? (
            <Space direction="vertical" size={16} style={{ width: '100%' }}>
              <DepartmentForm key={current.id} department={current} all={all} />
              <Channels key={`c-${current.id}`} departmentId={current.id} />
            </Space>
          ) : (
            <Card size="small">
              <Empty description={t('departments.pick')} />
            </Card>
          )}
        </Col>
      </Row>
      <Modal open={creating} title={t('departments.add')} onCancel={() => setCreating(false)} footer={null} destroyOnHidden>
        <DepartmentForm all={all} onDone={(id) => (setCreating(false), setSelected(id))} />
      </Modal>
    </PageContainer>
  );
}

type DepartmentBody = { name: string; nameEn?: string | null; parentId?: string | null; leaderUserId?: string | null };

function DepartmentForm({ department, all, onDone }: { department?: AdminDepartment; all: AdminDepartment[]; onDone?: (id: string) => void }) {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const [form] = Form.useForm<DepartmentBody>();
  const leaders = useLeaders();
  const save = useApiForm<DepartmentBody, AdminDepartment>({
    method: department ? 'PATCH' : 'POST',
    path: department ? `/api/departments/${department.id}` : '/api/departments',
    form,
    invalidate: [keys.departments],
    onSuccess: (d) => {
      void message.success(t('common:saved'));
      onDone?.(d.id);
    },
  });
  const body = (
    <Form
      form={form}
      layout="vertical"
      initialValues={department ?? {}}
      onFinish={(v) => void save.submit({ name: v.name, nameEn: v.nameEn || null, parentId: v.parentId ?? null, leaderUserId: v.leaderUserId ?? null })}
    >
      <Row gutter={12}>
        <Col xs={24} md={12}>
          <Form.Item name="name" label={t('departments.name')} rules={[{ required: true, message: t('common:required') }]}>
            <Input maxLength={100} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="nameEn" label={t('departments.nameEn')}>
            <Input maxLength={200} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="parentId" label={t('departments.parent')}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder={t('departments.topLevel')}
              options={all.filter((d) => d.id !== department?.id).map((d) => ({ value: d.id, label: d.name }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="leaderUserId" label={t('departments.leader')}>
            <Select allowClear showSearch optionFilterProp="label" placeholder={t('departments.noLeader')} options={(leaders.data ?? []).map((l) => ({ value: l.id, label: l.displayName }))} />
          </Form.Item>
        </Col>
      </Row>
      <FormError message={save.formError} />
      <Button type="primary" htmlType="submit" loading={save.pending}>
        {department ? t('common:save') : t('departments.create')}
      </Button>
    </Form>
  );
  return department ? (
    <Card size="small" title={department.name}>
      {body}
    </Card>
  ) : (
    body
  );
}

const hhmm = (v: string | null) => (v ? dayjs(v, 'HH:mm') : null);
const toHhmm = (d: Dayjs | null | undefined) => (d ? d.format('HH:mm') : null);

function Channels({ departmentId }: { departmentId: string }) {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const key = ['departments', departmentId, 'channels'];
  const channels = useQuery({ queryKey: key, queryFn: ({ signal }) => get<DepartmentChannels>(`/api/departments/${departmentId}/notification-channels`, signal) });
  const [form] = Form.useForm();
  const save = useApiForm<Record<string, unknown>, DepartmentChannels>({
    method: 'PUT',
    path: `/api/departments/${departmentId}/notification-channels`,
    form,
    invalidate: [key],
    onSuccess: () => void message.success(t('common:saved')),
  });
  const c = channels.data;
  if (channels.error) return <Card size="small">{errorText(channels.error, t)}</Card>;
  if (!c) return <Card size="small" loading />;
  return (
    <Card size="small" title={t('channels.title')}>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ ...c, quietStart: hhmm(c.quietStart), quietEnd: hhmm(c.quietEnd), digestTime: hhmm(c.digestTime) }}
        onFinish={(v) =>
          void save.submit({
            emailEnabled: v.emailEnabled,
            webhooksEnabled: v.webhooksEnabled,
            quietStart: toHhmm(v.quietStart),
            quietEnd: toHhmm(v.quietEnd),
            digestTime: toHhmm(v.digestTime),
          })
        }
      >
        <Row gutter={12}>
          <Col xs={12} md={6}>
            <Form.Item name="emailEnabled" label={t('channels.email')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="webhooksEnabled" label={t('channels.webhooks')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
          <Col xs={8} md={4}>
            <Form.Item name="quietStart" label={t('channels.quietStart')}>
              <TimePicker format="HH:mm" minuteStep={5} />
            </Form.Item>
          </Col>
          <Col xs={8} md={4}>
            <Form.Item name="quietEnd" label={t('channels.quietEnd')}>
              <TimePicker format="HH:mm" minuteStep={5} />
            </Form.Item>
          </Col>
          <Col xs={8} md={4}>
            <Form.Item name="digestTime" label={t('channels.digest')}>
              <TimePicker format="HH:mm" minuteStep={5} />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Paragraph type="secondary">{t('channels.zone', { tz: c.timeZone })}</Typography.Paragraph>
        <FormError message={save.formError} />
        <Button htmlType="submit" loading={save.pending}>
          {t('common:save')}
        </Button>
      </Form>
      <Webhooks departmentId={departmentId} webhooks={c.webhooks} channelsKey={key} />
    </Card>
  );
}

type WebhookBody = { kind: DepartmentWebhook['kind']; url: string; secret?: string | null; language: 'zh' | 'en' };

function Webhooks({ departmentId, webhooks, channelsKey }: { departmentId: string; webhooks: DepartmentWebhook[]; channelsKey: string[] }) {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const [form] = Form.useForm<WebhookBody>();
  const add = useApiForm<WebhookBody, DepartmentWebhook>({
    path: `/api/departments/${departmentId}/webhooks`,
    form,
    invalidate: [channelsKey],
    onSuccess: () => {
      form.resetFields();
      void message.success(t('common:saved'));
    },
  });
  const queryClient = useQueryClient();
  // A switch or a removal is one request with nothing to put on a form field: said in a message.
  const act = async (method: 'PATCH' | 'DELETE', id: string, body?: unknown) => {
    try {
      await api(method, `/api/departments/${departmentId}/webhooks/${id}`, { body });
      await queryClient.invalidateQueries({ queryKey: channelsKey });
      void message.success(t('common:done'));
    } catch (e) {
      void message.error(errorText(e, t));
    }
  };
  return (
    <div className="webhooks">
      <Typography.Title level={2} className="section-title">
        {t('webhooks.title')}
      </Typography.Title>
      <Table<DepartmentWebhook>
        rowKey="id"
        size="small"
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={webhooks}
        locale={{ emptyText: t('webhooks.none') }}
        columns={[
          { title: t('webhooks.kind'), dataIndex: 'kind', key: 'kind', render: (k: string) => t(`webhooks.kinds.${k}`) },
          { title: t('webhooks.url'), dataIndex: 'url', key: 'url', render: (u: string) => <span className="wrap-anywhere">{u}</span> },
          { title: t('webhooks.language'), dataIndex: 'language', key: 'language', render: (l: string) => (l === 'zh' ? '中文' : 'English') },
          {
            title: t('webhooks.enabled'),
            key: 'enabled',
            render: (_, w) => (
              <Switch size="small" checked={w.enabled} aria-label={t('webhooks.enabled')} onChange={(enabled) => void act('PATCH', w.id, { enabled })} />
            ),
          },
          {
            title: '',
            key: 'remove',
            render: (_, w) => (
              <Popconfirm title={t('webhooks.removeConfirm')} onConfirm={() => act('DELETE', w.id)}>
                <Button size="small" danger>
                  {t('webhooks.remove')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <Form form={form} layout="vertical" className="webhook-add" initialValues={{ kind: 'wecom', language: 'zh' }} onFinish={(v) => void add.submit({ ...v, secret: v.secret || null })}>
        <Row gutter={12}>
          <Col xs={24} md={5}>
            <Form.Item name="kind" label={t('webhooks.kind')}>
              <Select options={['wecom', 'dingtalk', 'generic'].map((k) => ({ value: k, label: t(`webhooks.kinds.${k}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={9}>
            <Form.Item name="url" label={t('webhooks.url')} rules={[{ required: true, message: t('common:required') }]}>
              <Input placeholder="https://" />
            </Form.Item>
          </Col>
          <Col xs={12} md={5}>
            <Form.Item name="secret" label={t('webhooks.secret')}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          </Col>
          <Col xs={12} md={5}>
            <Form.Item name="language" label={t('webhooks.language')}>
              <Select
                options={[
                  { value: 'zh', label: '中文' },
                  { value: 'en', label: 'English' },
                ]}
              />
            </Form.Item>
          </Col>
        </Row>
        <FormError message={add.formError} />
        <Button htmlType="submit" icon={<PlusOutlined />} loading={add.pending}>
          {t('webhooks.add')}
        </Button>
      </Form>
    </div>
  );
}
