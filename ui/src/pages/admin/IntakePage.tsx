/**
 * Early-warning intake (预警接入): the monitoring systems (sources), which department verifies each
 * source's signals per risk level and by when (rules), and the service accounts that post them. A new
 * account's key and secret are shown once, with a copy button: only their hashes are kept.
 */
import './admin.css';
import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api, get, qs } from '../../api/client';
import { useDepartmentName, useDepartments } from '../../api/queries';
import { MatterSelect } from '../../features/matters/MatterSelect';
import type { Page } from '../../api/types';
import { useApiForm } from '../../api/useApiForm';
import { DateTime } from '../../components/DateTime';
import { errorText, FormError, PageContainer } from '../../components/PageContainer';
import { DurationInput } from './DurationInput';
import type { AdminUser } from './types';

const RISKS = ['low', 'medium', 'high'] as const;
type Risk = (typeof RISKS)[number];
interface Source {
  source: string;
  name: string;
  resultUrl: string | null;
  hasResultSecret: boolean;
  enabled: boolean;
}
interface Rule {
  id: string;
  source: string;
  riskLevel: Risk;
  departmentId: string;
  issuedBy: string;
  dueInWorkingDays: number | null;
  dueWithin: string | null;
  /** The supervision matter the rule's items are tied to (they then go to its responsible department). */
  matterId?: string | null;
}
interface Account {
  id: string;
  name: string;
  source: string;
  keyPrefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}
type CreatedAccount = Account & { apiKey: string; secret: string };

const SOURCES = ['intake', 'sources'];
const RULES = ['intake', 'rules'];
const ACCOUNTS = ['intake', 'accounts'];
const listOf = <T,>(data: { items: T[] } | T[] | undefined): T[] => (Array.isArray(data) ? data : (data?.items ?? []));

export default function IntakePage() {
  const { t } = useTranslation('admin');
  const sources = useQuery({ queryKey: SOURCES, queryFn: ({ signal }) => get<{ items: Source[] } | Source[]>('/api/intake/sources', signal) });
  return (
    <PageContainer title={t('intake.title')} subTitle={t('intake.hint')} error={sources.error}>
      <Flex vertical gap={16}>
        <SourcesCard sources={listOf(sources.data)} />
        <RulesCard sources={listOf(sources.data)} />
        <AccountsCard sources={listOf(sources.data)} />
      </Flex>
    </PageContainer>
  );
}

function useRemove(invalidate: string[]) {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  return async (path: string) => {
    try {
      await api('DELETE', path);
      await queryClient.invalidateQueries({ queryKey: invalidate });
      void message.success(t('common:done'));
    } catch (e) {
      void message.error(errorText(e, t));
    }
  };
}

function SourcesCard({ sources }: { sources: Source[] }) {
  const { t } = useTranslation('admin');
  const [editing, setEditing] = useState<Source | 'new' | null>(null);
  const columns: TableColumnsType<Source> = [
    { title: t('intake.source'), dataIndex: 'source', key: 'source', render: (s: string) => <code>{s}</code> },
    { title: t('intake.sourceName'), dataIndex: 'name', key: 'name' },
    { title: t('intake.resultUrl'), dataIndex: 'resultUrl', key: 'resultUrl', render: (u: string | null) => <span className="wrap-anywhere">{u ?? '—'}</span> },
    { title: t('intake.state'), key: 'enabled', render: (_, s) => (s.enabled ? <Tag color="success">{t('intake.enabled')}</Tag> : <Tag>{t('intake.disabled')}</Tag>) },
    { title: t('users.actions'), key: 'actions', render: (_, s) => <Button size="small" onClick={() => setEditing(s)}>{t('common:edit')}</Button> },
  ];
  return (
    <Card size="small" title={t('intake.sources')} extra={<Button size="small" icon={<PlusOutlined />} onClick={() => setEditing('new')}>{t('intake.addSource')}</Button>}>
      <Table<Source> rowKey="source" size="small" columns={columns} dataSource={sources} pagination={false} scroll={{ x: 'max-content' }} />
      <Modal open={!!editing} title={editing === 'new' ? t('intake.addSource') : t('intake.editSource')} onCancel={() => setEditing(null)} footer={null} destroyOnHidden>
        {editing && <SourceForm source={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />}
      </Modal>
    </Card>
  );
}

type SourceBody = { source?: string; name: string; resultUrl?: string | null; resultSecret?: string | null; enabled: boolean };

function SourceForm({ source, onDone }: { source: Source | null; onDone: () => void }) {
  const { t } = useTranslation('admin');
  const [form] = Form.useForm<SourceBody>();
  const key = () => encodeURIComponent(String(source?.source ?? form.getFieldValue('source') ?? '').trim());
  const save = useApiForm<Omit<SourceBody, 'source'>, Source>({ method: 'PUT', path: () => `/api/intake/sources/${key()}`, form, invalidate: [SOURCES], onSuccess: onDone });
  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={source ?? { enabled: true }}
      onFinish={(v) => void save.submit({ name: v.name, resultUrl: v.resultUrl || null, ...(v.resultSecret ? { resultSecret: v.resultSecret } : {}), enabled: v.enabled })}
    >
      <Form.Item name="source" label={t('intake.source')} extra={t('intake.sourceHint')} rules={[{ required: true, message: t('common:required') }]}>
        <Input disabled={!!source} autoComplete="off" />
      </Form.Item>
      <Form.Item name="name" label={t('intake.sourceName')} rules={[{ required: true, message: t('common:required') }]}>
        <Input />
      </Form.Item>
      <Form.Item name="resultUrl" label={t('intake.resultUrl')} extra={t('intake.resultUrlHint')}>
        <Input type="url" />
      </Form.Item>
      <Form.Item name="resultSecret" label={t('intake.resultSecret')} extra={source?.hasResultSecret ? t('intake.resultSecretKept') : t('intake.resultSecretHint')}>
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item name="enabled" label={t('intake.enabled')} valuePropName="checked">
        <Switch />
      </Form.Item>
      <FormError message={save.formError} />
      <Button type="primary" htmlType="submit" loading={save.pending}>
        {t('common:save')}
      </Button>
    </Form>
  );
}

function deadlineText(r: Rule, t: TFunction<'admin'>) {
  if (r.dueInWorkingDays !== null) return t('intake.workingDays', { count: r.dueInWorkingDays });
  return r.dueWithin ?? t('intake.templateDefault');
}

function RulesCard({ sources }: { sources: Source[] }) {
  const { t } = useTranslation('admin');
  const departmentName = useDepartmentName();
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  const rules = useQuery({ queryKey: RULES, queryFn: ({ signal }) => get<{ items: Rule[] } | Rule[]>('/api/intake/rules', signal) });
  const remove = useRemove(RULES);
  const columns: TableColumnsType<Rule> = [
    { title: t('intake.source'), dataIndex: 'source', key: 'source', render: (s: string) => <code>{s}</code> },
    { title: t('intake.risk'), dataIndex: 'riskLevel', key: 'risk', render: (r: Risk) => <Tag color={r === 'high' ? 'red' : r === 'medium' ? 'orange' : 'default'}>{t(`intake.risks.${r}`)}</Tag> },
    { title: t('intake.department'), dataIndex: 'departmentId', key: 'department', render: (id: string) => <span className="wrap-anywhere">{departmentName(id)}</span> },
    { title: t('intake.deadline'), key: 'deadline', render: (_, r) => deadlineText(r, t) },
    {
      title: t('users.actions'),
      key: 'actions',
      render: (_, r) => (
        <Space size={4} wrap>
          <Button size="small" onClick={() => setEditing(r)}>{t('common:edit')}</Button>
          <Popconfirm title={t('intake.deleteRuleConfirm')} onConfirm={() => remove(`/api/intake/rules/${r.id}`)}>
            <Button size="small" danger>{t('intake.delete')}</Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];
  return (
    <Card size="small" title={t('intake.rules')} extra={<Button size="small" icon={<PlusOutlined />} onClick={() => setEditing('new')} disabled={sources.length === 0}>{t('intake.addRule')}</Button>}>
      <Typography.Paragraph type="secondary">{t('intake.rulesHint')}</Typography.Paragraph>
      <Table<Rule> rowKey="id" size="small" loading={rules.isFetching} columns={columns} dataSource={listOf(rules.data)} pagination={false} scroll={{ x: 'max-content' }} />
      <Modal open={!!editing} title={editing === 'new' ? t('intake.addRule') : t('intake.editRule')} onCancel={() => setEditing(null)} footer={null} destroyOnHidden>
        {editing && <RuleForm rule={editing === 'new' ? null : editing} sources={sources} onDone={() => setEditing(null)} />}
      </Modal>
    </Card>
  );
}

type RuleForm = {
  source: string;
  riskLevel: Risk;
  departmentId: string;
  issuedBy: string;
  matterId?: string | null;
  deadline: 'days' | 'duration' | 'template';
  dueInWorkingDays?: number | null;
  dueWithin?: string | null;
};

function RuleForm({ rule, sources, onDone }: { rule: Rule | null; sources: Source[]; onDone: () => void }) {
  const { t } = useTranslation('admin');
  const [form] = Form.useForm<RuleForm>();
  const departments = useDepartments();
  const leaders = useQuery({ queryKey: ['users', { role: 'leader' }], queryFn: ({ signal }) => get<Page<AdminUser>>(`/api/users${qs({ role: 'leader', pageSize: 200 })}`, signal) });
  const deadline = Form.useWatch('deadline', form);
  const save = useApiForm<Omit<Rule, 'id'>, Rule>({ method: 'PUT', path: '/api/intake/rules', form, invalidate: [RULES], onSuccess: onDone });
  const initial: Partial<RuleForm> = rule
    ? { ...rule, deadline: rule.dueInWorkingDays !== null ? 'days' : rule.dueWithin !== null ? 'duration' : 'template' }
    : { riskLevel: 'high', deadline: 'days', dueInWorkingDays: 3, ...(sources[0] ? { source: sources[0].source } : {}) };
  const onFinish = (v: RuleForm) =>
    void save.submit({
      source: v.source,
      riskLevel: v.riskLevel,
      departmentId: v.departmentId,
      issuedBy: v.issuedBy,
      matterId: v.matterId ?? null,
      dueInWorkingDays: v.deadline === 'days' ? (v.dueInWorkingDays ?? null) : null,
      dueWithin: v.deadline === 'duration' ? (v.dueWithin ?? null) : null,
    });
  return (
    <Form form={form} layout="vertical" initialValues={initial} onFinish={onFinish}>
      <Form.Item name="source" label={t('intake.source')} rules={[{ required: true, message: t('common:required') }]}>
        <Select disabled={!!rule} showSearch optionFilterProp="label" options={sources.map((s) => ({ value: s.source, label: `${s.name} (${s.source})` }))} />
      </Form.Item>
      <Form.Item name="riskLevel" label={t('intake.risk')} rules={[{ required: true, message: t('common:required') }]}>
        <Select disabled={!!rule} options={RISKS.map((r) => ({ value: r, label: t(`intake.risks.${r}`) }))} />
      </Form.Item>
      <Form.Item name="departmentId" label={t('intake.department')} rules={[{ required: true, message: t('common:required') }]}>
        <Select showSearch optionFilterProp="label" options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))} />
      </Form.Item>
      <Form.Item name="issuedBy" label={t('intake.issuedBy')} extra={t('intake.issuedByHint')} rules={[{ required: true, message: t('common:required') }]}>
        <Select showSearch optionFilterProp="label" options={(leaders.data?.items ?? []).map((u) => ({ value: u.id, label: u.displayName }))} />
      </Form.Item>
      <Form.Item name="matterId" label={t('matters:matter')} extra={t('intake.matterHint')}>
        <MatterSelect />
      </Form.Item>
      <Form.Item name="deadline" label={t('intake.deadline')}>
        <Select options={(['days', 'duration', 'template'] as const).map((d) => ({ value: d, label: t(`intake.deadlineKinds.${d}`) }))} />
      </Form.Item>
      {deadline === 'days' && (
        <Form.Item name="dueInWorkingDays" label={t('intake.deadlineKinds.days')} rules={[{ required: true, message: t('common:required') }]}>
          <InputNumber min={1} max={365} precision={0} />
        </Form.Item>
      )}
      {deadline === 'duration' && (
        <Form.Item name="dueWithin" label={t('intake.deadlineKinds.duration')} rules={[{ required: true, message: t('common:required') }]}>
          <DurationInput />
        </Form.Item>
      )}
      <FormError message={save.formError} />
      <Button type="primary" htmlType="submit" loading={save.pending}>
        {t('common:save')}
      </Button>
    </Form>
  );
}

function AccountsCard({ sources }: { sources: Source[] }) {
  const { t } = useTranslation('admin');
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedAccount | null>(null);
  const accounts = useQuery({ queryKey: ACCOUNTS, queryFn: ({ signal }) => get<{ items: Account[] } | Account[]>('/api/service-accounts', signal) });
  const remove = useRemove(ACCOUNTS);
  const columns: TableColumnsType<Account> = [
    { title: t('intake.accountName'), dataIndex: 'name', key: 'name' },
    { title: t('intake.source'), dataIndex: 'source', key: 'source', render: (s: string) => <code>{s}</code> },
    { title: t('intake.keyPrefix'), dataIndex: 'keyPrefix', key: 'keyPrefix', render: (k: string) => <code>{k}…</code> },
    { title: t('intake.lastUsed'), dataIndex: 'lastUsedAt', key: 'lastUsedAt', render: (at: string | null) => (at ? <DateTime iso={at} /> : '—') },
    {
      title: t('users.actions'),
      key: 'actions',
      render: (_, a) => (
        <Popconfirm title={t('intake.deleteAccountConfirm', { name: a.name })} onConfirm={() => remove(`/api/service-accounts/${a.id}`)}>
          <Button size="small" danger>{t('intake.delete')}</Button>
        </Popconfirm>
      ),
    },
  ];
  return (
    <Card size="small" title={t('intake.accounts')} extra={<Button size="small" icon={<PlusOutlined />} onClick={() => setCreating(true)} disabled={sources.length === 0}>{t('intake.addAccount')}</Button>}>
      <Table<Account> rowKey="id" size="small" loading={accounts.isFetching} columns={columns} dataSource={listOf(accounts.data)} pagination={false} scroll={{ x: 'max-content' }} />
      <Modal open={creating} title={t('intake.addAccount')} onCancel={() => (setCreating(false), setCreated(null))} footer={null} destroyOnHidden maskClosable={!created}>
        {created ? <ShownOnce account={created} onDone={() => (setCreating(false), setCreated(null))} /> : <AccountForm sources={sources} onCreated={setCreated} />}
      </Modal>
    </Card>
  );
}

function AccountForm({ sources, onCreated }: { sources: Source[]; onCreated: (a: CreatedAccount) => void }) {
  const { t } = useTranslation('admin');
  const [form] = Form.useForm<{ name: string; source: string }>();
  const save = useApiForm<{ name: string; source: string }, CreatedAccount>({ method: 'POST', path: '/api/service-accounts', form, invalidate: [ACCOUNTS], onSuccess: onCreated });
  return (
    <Form form={form} layout="vertical" initialValues={sources[0] ? { source: sources[0].source } : {}} onFinish={(v) => void save.submit(v)}>
      <Form.Item name="name" label={t('intake.accountName')} rules={[{ required: true, message: t('common:required') }]}>
        <Input />
      </Form.Item>
      <Form.Item name="source" label={t('intake.source')} rules={[{ required: true, message: t('common:required') }]}>
        <Select showSearch optionFilterProp="label" options={sources.map((s) => ({ value: s.source, label: `${s.name} (${s.source})` }))} />
      </Form.Item>
      <FormError message={save.formError} />
      <Button type="primary" htmlType="submit" loading={save.pending}>
        {t('intake.create')}
      </Button>
    </Form>
  );
}

/** The key and the secret, this once: copy buttons, and a warning that they cannot be shown again. */
function ShownOnce({ account, onDone }: { account: CreatedAccount; onDone: () => void }) {
  const { t } = useTranslation('admin');
  return (
    <Flex vertical gap={12} data-testid="shown-once">
      <Alert type="warning" showIcon title={t('intake.shownOnce')} description={t('intake.shownOnceHint')} />
      <div>
        <Typography.Text strong>{t('intake.apiKey')}</Typography.Text>
        <Typography.Paragraph copyable={{ text: account.apiKey, tooltips: [t('intake.copy'), t('intake.copied')] }} className="wrap-anywhere" data-testid="api-key">
          <code>{account.apiKey}</code>
        </Typography.Paragraph>
      </div>
      <div>
        <Typography.Text strong>{t('intake.secret')}</Typography.Text>
        <Typography.Paragraph copyable={{ text: account.secret, tooltips: [t('intake.copy'), t('intake.copied')] }} className="wrap-anywhere" data-testid="secret">
          <code>{account.secret}</code>
        </Typography.Paragraph>
      </div>
      <Button type="primary" onClick={onDone}>
        {t('intake.savedThem')}
      </Button>
    </Flex>
  );
}
