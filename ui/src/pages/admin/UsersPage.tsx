/** Users: create, change role, department and name, disable or enable, reset the password. */
import './admin.css';
import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, get, qs } from '../../api/client';
import { useDepartmentName, useDepartments } from '../../api/queries';
import type { Page, Role } from '../../api/types';
import { useApiForm } from '../../api/useApiForm';
import { errorText, FormError, PageContainer } from '../../components/PageContainer';
import { ROLES, type AdminUser } from './types';

const USERS = ['users'];

export default function UsersPage() {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const departmentName = useDepartmentName();
  const [q, setQ] = useState('');
  const [role, setRole] = useState<Role | undefined>();
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<AdminUser | 'new' | null>(null);
  const [resetting, setResetting] = useState<AdminUser | null>(null);
  const users = useQuery({
    queryKey: [...USERS, { q, role, page }],
    queryFn: ({ signal }) => get<Page<AdminUser>>(`/api/users${qs({ q: q || undefined, role, page, pageSize: 50 })}`, signal),
    placeholderData: (previous) => previous,
  });
  const setDisabled = async (user: AdminUser, disabled: boolean) => {
    try {
      await api('PATCH', `/api/users/${user.id}`, { body: { disabled } });
      await queryClient.invalidateQueries({ queryKey: USERS });
      void message.success(t('common:done'));
    } catch (e) {
      void message.error(errorText(e, t));
    }
  };
  const columns: TableColumnsType<AdminUser> = [
    { title: t('users.username'), dataIndex: 'username', key: 'username' },
    { title: t('users.displayName'), dataIndex: 'displayName', key: 'displayName' },
    { title: t('users.phone'), dataIndex: 'phone', key: 'phone', render: (p: string | null) => p ?? '—' },
    { title: t('users.role'), dataIndex: 'role', key: 'role', render: (r: Role) => <Tag>{t(`common:roles.${r}`)}</Tag> },
    { title: t('users.department'), dataIndex: 'departmentId', key: 'department', render: (id: string | null) => (id ? <span className="wrap-anywhere">{departmentName(id)}</span> : '—') },
    {
      title: t('users.state'),
      key: 'state',
      render: (_, u) => (
        <Space size={4} wrap>
          {u.disabled ? <Tag color="error">{t('users.disabled')}</Tag> : <Tag color="success">{t('users.active')}</Tag>}
          {u.mustChangePassword && <Tag color="warning">{t('users.mustChange')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('users.actions'),
      key: 'actions',
      render: (_, u) => (
        <Space size={4} wrap>
          <Button size="small" onClick={() => setEditing(u)}>
            {t('common:edit')}
          </Button>
          <Button size="small" onClick={() => setResetting(u)}>
            {t('users.resetPassword')}
          </Button>
          <Popconfirm title={u.disabled ? t('users.enableConfirm') : t('users.disableConfirm')} onConfirm={() => setDisabled(u, !u.disabled)}>
            <Button size="small" danger={!u.disabled}>
              {u.disabled ? t('users.enable') : t('users.disable')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];
  return (
    <PageContainer
      title={t('users.title')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('users.add')}
        </Button>
      }
      error={users.error}
    >
      <Card size="small">
        <Flex gap={8} wrap className="table-filters">
          <Input.Search allowClear placeholder={t('users.search')} aria-label={t('users.search')} onSearch={(v) => (setPage(1), setQ(v.trim()))} style={{ maxWidth: 280 }} />
          <Select
            allowClear
            placeholder={t('users.allRoles')}
            aria-label={t('users.role')}
            value={role}
            onChange={(r) => (setPage(1), setRole(r))}
            options={ROLES.map((r) => ({ value: r, label: t(`common:roles.${r}`) }))}
            style={{ minWidth: 160 }}
          />
        </Flex>
        <Table<AdminUser>
          rowKey="id"
          size="small"
          loading={users.isFetching}
          columns={columns}
          dataSource={users.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          pagination={{ current: page, pageSize: 50, total: users.data?.total ?? 0, onChange: setPage, showSizeChanger: false, hideOnSinglePage: true }}
        />
      </Card>
      <Modal open={!!editing} title={editing === 'new' ? t('users.add') : t('users.edit')} onCancel={() => setEditing(null)} footer={null} destroyOnHidden>
        {editing && <UserForm user={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />}
      </Modal>
      <Modal open={!!resetting} title={t('users.resetPasswordOf', { name: resetting?.displayName })} onCancel={() => setResetting(null)} footer={null} destroyOnHidden>
        {resetting && <PasswordForm user={resetting} onDone={() => setResetting(null)} />}
      </Modal>
    </PageContainer>
  );
}

type UserBody = { username?: string; displayName: string; role: Role; departmentId: string | null; password?: string; phone?: string | null };
const MOBILE = /^(?:\+?86)?1[3-9]\d{9}$/;

function UserForm({ user, onDone }: { user: AdminUser | null; onDone: () => void }) {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const [form] = Form.useForm<UserBody>();
  const departments = useDepartments();
  const role = Form.useWatch('role', form);
  const save = useApiForm<UserBody, AdminUser>({
    method: user ? 'PATCH' : 'POST',
    path: user ? `/api/users/${user.id}` : '/api/users',
    form,
    invalidate: [USERS],
    onSuccess: () => {
      void message.success(t('common:saved'));
      onDone();
    },
  });
  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={user ?? { role: 'department' }}
      onFinish={(v) => void save.submit({ ...v, departmentId: v.departmentId ?? null, phone: v.phone?.trim() || null })}
    >
      {!user && (
        <Form.Item name="username" label={t('users.username')} rules={[{ required: true, message: t('common:required') }]} extra={t('users.usernameHint')}>
          <Input autoComplete="off" />
        </Form.Item>
      )}
      <Form.Item name="displayName" label={t('users.displayName')} rules={[{ required: true, message: t('common:required') }]}>
        <Input />
      </Form.Item>
      <Form.Item name="role" label={t('users.role')} rules={[{ required: true, message: t('common:required') }]}>
        <Select options={ROLES.map((r) => ({ value: r, label: t(`common:roles.${r}`) }))} />
      </Form.Item>
      <Form.Item
        name="departmentId"
        label={t('users.department')}
        rules={[{ required: role === 'department', message: t('users.departmentNeeded') }]}
      >
        <Select allowClear showSearch optionFilterProp="label" options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))} />
      </Form.Item>
      <Form.Item name="phone" label={t('users.phone')} extra={t('users.phoneHint')} rules={[{ pattern: MOBILE, message: t('users.phoneInvalid') }]}>
        <Input type="tel" autoComplete="off" inputMode="tel" />
      </Form.Item>
      {!user && (
        <Form.Item name="password" label={t('users.firstPassword')} rules={[{ required: true, message: t('common:required') }]} extra={t('users.firstPasswordHint')}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      )}
      <FormError message={save.formError} />
      <Button type="primary" htmlType="submit" loading={save.pending}>
        {user ? t('common:save') : t('users.create')}
      </Button>
    </Form>
  );
}

function PasswordForm({ user, onDone }: { user: AdminUser; onDone: () => void }) {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const [form] = Form.useForm<{ password: string }>();
  const save = useApiForm<{ password: string }, AdminUser>({
    method: 'PATCH',
    path: `/api/users/${user.id}`,
    form,
    invalidate: [USERS],
    onSuccess: () => {
      void message.success(t('users.passwordReset'));
      onDone();
    },
  });
  return (
    <Form form={form} layout="vertical" onFinish={(v) => void save.submit(v)}>
      <Form.Item name="password" label={t('users.newPassword')} rules={[{ required: true, message: t('common:required') }]} extra={t('users.resetHint')}>
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <FormError message={save.formError} />
      <Button type="primary" htmlType="submit" loading={save.pending}>
        {t('users.resetPassword')}
      </Button>
    </Form>
  );
}
