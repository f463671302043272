/**
 * The item list: filters live in the URL (so a link or the back button keeps them; a standing-book
 * figure's drill-down parameters pass through), saved filters in localStorage, column settings,
 * sorting, and urging the open tasks of several selected items at once.
 */
import { DeleteOutlined, NotificationOutlined, SaveOutlined, SettingOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Checkbox, Dropdown, Flex, Form, Grid, Input, List, Modal, Popover, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, get, newKey, qs } from '../../api/client';
import { itemScoped, keys } from '../../api/keys';
import { useDepartmentName, useLeaders } from '../../api/queries';
import { ITEM_KINDS, ITEM_STATUSES, LIGHTS, type ItemDetail, type ItemSummary, type Page } from '../../api/types';
import { useUser } from '../../app/session';
import { Countdown } from '../../components/Countdown';
import { DateTime } from '../../components/DateTime';
import { DepartmentTreeSelect } from '../../components/DepartmentTree';
import { LightBadge } from '../../components/LightBadge';
import { errorText, PageContainer } from '../../components/PageContainer';
import { ItemStatusTag } from '../../components/StatusTag';

const COLUMNS = ['code', 'title', 'kind', 'status', 'light', 'departments', 'issuedBy', 'dueAt', 'countdown', 'createdAt'] as const;
type ColumnKey = (typeof COLUMNS)[number];
const DEFAULT_HIDDEN: ColumnKey[] = ['createdAt'];
const SAVED_KEY = 'items.savedFilters';
const COLUMNS_KEY = 'items.hiddenColumns';
const OPEN = ['assigned', 'signed', 'in_progress', 'submitted'];

interface SavedFilter {
  name: string;
  query: string;
}

function readJson<T>(key: string, fallback: T): T {
  try {
    return (JSON.parse(localStorage.getItem(key) ?? 'null') as T) ?? fallback;
  } catch {
    return fallback;
  }
}

export default function ItemsPage() {
  const { t } = useTranslation('items');
  const user = useUser();
  const screens = Grid.useBreakpoint();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const pageSize = Math.min(200, Math.max(1, Number(params.get('pageSize') ?? 20) || 20));
  // Everything in the URL goes to the API (drill-down parameters included), paging normalised.
  const apiParams = useMemo(() => {
    const out: Record<string, string> = {};
    params.forEach((v, k) => {
      if (v) out[k] = v;
    });
    return { ...out, page: String(page), pageSize: String(pageSize) };
  }, [params, page, pageSize]);
  const list = useQuery({
    queryKey: keys.items(apiParams),
    queryFn: ({ signal }) => get<Page<ItemSummary>>(`/api/items${qs(apiParams)}`, signal),
    placeholderData: (previous) => previous,
  });
  const deptName = useDepartmentName();
  const leaders = useLeaders();
  const leaderName = (id: string) => leaders.data?.find((l) => l.id === id)?.displayName ?? '—';
  const [hidden, setHidden] = useState<ColumnKey[]>(() => readJson(COLUMNS_KEY, DEFAULT_HIDDEN));
  const [selected, setSelected] = useState<string[]>([]);
  const [urging, setUrging] = useState(false);
  const mayUrge = user.role === 'supervisor' || user.role === 'leader';

  const setFilter = (k: string, v: string | undefined | null) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    next.delete('page');
    setParams(next);
  };
  const metric = params.get('metric');

  const allColumns: TableColumnsType<ItemSummary> = [
    { key: 'code', title: t('code'), dataIndex: 'code', width: 150, sorter: (a, b) => a.code.localeCompare(b.code) },
    {
      key: 'title',
      title: t('itemTitle'),
      dataIndex: 'title',
      render: (_, r) => (
        <Link to={`/items/${r.id}`} className="wrap-anywhere">
          {r.title}
        </Link>
      ),
      sorter: (a, b) => a.title.localeCompare(b.title),
    },
    { key: 'kind', title: t('kind'), dataIndex: 'kind', render: (k: string) => t(`common:kinds.${k}`), width: 130 },
    { key: 'status', title: t('status'), dataIndex: 'status', render: (s: ItemSummary['status']) => <ItemStatusTag status={s} />, width: 100 },
    {
      key: 'light',
      title: t('light'),
      dataIndex: 'light',
      render: (l: ItemSummary['light']) => <LightBadge light={l} short />,
      width: 90,
      sorter: (a, b) => LIGHTS.indexOf(a.light) - LIGHTS.indexOf(b.light),
    },
    { key: 'departments', title: t('department'), render: (_, r) => r.departmentIds.map((d) => deptName(d)).join('、') },
    { key: 'issuedBy', title: t('issuedBy'), render: (_, r) => leaderName(r.issuedBy), width: 110 },
    { key: 'dueAt', title: t('dueAt'), dataIndex: 'dueAt', render: (d: string) => <DateTime iso={d} />, width: 170, sorter: (a, b) => a.dueAt.localeCompare(b.dueAt), defaultSortOrder: undefined },
    { key: 'countdown', title: t('countdown'), render: (_, r) => <Countdown to={r.dueAt} done={r.status === 'completed' || r.status === 'cancelled' || r.status === 'archived'} />, width: 140 },
    { key: 'createdAt', title: t('createdAt'), dataIndex: 'createdAt', render: (d: string) => <DateTime iso={d} />, width: 170, sorter: (a, b) => a.createdAt.localeCompare(b.createdAt) },
  ];
  const columns = allColumns.filter((c) => !hidden.includes(c.key as ColumnKey));

  const filterBar = (
    <Card size="small" className="filter-bar">
      <Flex gap={8} wrap align="center">
        <Input.Search
          allowClear
          defaultValue={params.get('q') ?? ''}
          placeholder={t('qPlaceholder')}
          aria-label={t('q')}
          onSearch={(v) => setFilter('q', v.trim() || null)}
          style={{ width: screens.md ? 220 : '100%' }}
        />
        <Select allowClear placeholder={t('kind')} aria-label={t('kind')} value={params.get('kind') ?? undefined} onChange={(v) => setFilter('kind', v)} options={ITEM_KINDS.map((k) => ({ value: k, label: t(`common:kinds.${k}`) }))} style={{ minWidth: 140 }} />
        <Select allowClear placeholder={t('status')} aria-label={t('status')} value={params.get('status') ?? undefined} onChange={(v) => setFilter('status', v)} options={ITEM_STATUSES.map((s) => ({ value: s, label: t(`common:itemStatus.${s}`) }))} style={{ minWidth: 110 }} />
        <Select allowClear placeholder={t('light')} aria-label={t('light')} value={params.get('light') ?? undefined} onChange={(v) => setFilter('light', v)} options={LIGHTS.map((l) => ({ value: l, label: t(`common:lightShort.${l}`) }))} style={{ minWidth: 100 }} />
        {user.role !== 'department' && (
          <DepartmentTreeSelect allowClear placeholder={t('department')} aria-label={t('department')} value={params.get('departmentId') ?? undefined} onChange={(v: string) => setFilter('departmentId', v)} style={{ minWidth: 180, width: screens.md ? 200 : '100%' }} />
        )}
        <Select allowClear placeholder={t('issuedBy')} aria-label={t('issuedBy')} value={params.get('issuedBy') ?? undefined} onChange={(v) => setFilter('issuedBy', v)} options={(leaders.data ?? []).map((l) => ({ value: l.id, label: l.displayName }))} style={{ minWidth: 120 }} />
        {[...params.keys()].some((k) => k !== 'page' && k !== 'pageSize') && (
          <Button type="link" onClick={() => setParams(new URLSearchParams())}>
            {t('clear')}
          </Button>
        )}
        <div style={{ flex: 1 }} />
        <SavedFilters />
        {screens.md && <ColumnSettings hidden={hidden} setHidden={setHidden} />}
      </Flex>
      {metric && <Tag color="blue" className="drill-tag">{t('drillDown', { metric })}</Tag>}
    </Card>
  );

  const pagination = {
    current: page,
    pageSize,
    total: list.data?.total ?? 0,
    showSizeChanger: true,
    showTotal: (total: number) => t('common:pageTotal', { total }),
    onChange: (p: number, size: number) => {
      const next = new URLSearchParams(params);
      next.set('page', String(size !== pageSize ? 1 : p));
      next.set('pageSize', String(size));
      setParams(next);
    },
  };

  return (
    <PageContainer
      title={t('title')}
      extra={
        mayUrge && (
          <Button icon={<NotificationOutlined />} disabled={selected.length === 0} onClick={() => setUrging(true)}>
            {t('urgeSelected')}
            {selected.length > 0 && ` (${selected.length})`}
          </Button>
        )
      }
      error={list.error}
      onRetry={() => void list.refetch()}
    >
      {filterBar}
      {screens.md ? (
        <Table<ItemSummary>
          rowKey="id"
          className="items-table"
          size="middle"
          loading={list.isFetching && !list.data}
          columns={columns}
          dataSource={list.data?.items ?? []}
          pagination={pagination}
          locale={{ emptyText: t('empty') }}
          onRow={(r) => ({ 'data-item-id': r.id }) as React.HTMLAttributes<HTMLElement>}
          rowSelection={mayUrge ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) } : undefined}
          scroll={{ x: 'max-content' }}
        />
      ) : (
        <List
          className="item-cards"
          loading={list.isFetching && !list.data}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: t('empty') }}
          pagination={{ ...pagination, showSizeChanger: false, simple: true }}
          renderItem={(r) => (
            // A list item around the card: the list is a <ul>, and only <li>s belong in it.
            <List.Item className="item-card-entry">
              <Card size="small" className="item-card" data-item-id={r.id}>
                <Flex gap={8} align="start">
                  {mayUrge && <Checkbox checked={selected.includes(r.id)} onChange={(e) => setSelected((s) => (e.target.checked ? [...s, r.id] : s.filter((x) => x !== r.id)))} aria-label={r.title} className="tap" />}
                  <Link to={`/items/${r.id}`} className="item-card-link">
                    <Typography.Text strong className="wrap-anywhere">
                      {r.title}
                    </Typography.Text>
                    <Space size={[8, 4]} wrap>
                      <Typography.Text type="secondary">{r.code}</Typography.Text>
                      <ItemStatusTag status={r.status} />
                      <LightBadge light={r.light} short />
                    </Space>
                    <Space size={[8, 4]} wrap>
                      <DateTime iso={r.dueAt} />
                      <Countdown to={r.dueAt} done={r.status === 'completed' || r.status === 'cancelled' || r.status === 'archived'} />
                    </Space>
                    <Typography.Text type="secondary" className="wrap-anywhere">
                      {r.departmentIds.map((d) => deptName(d)).join('、')}
                    </Typography.Text>
                  </Link>
                </Flex>
              </Card>
            </List.Item>
          )}
        />
      )}
      <BulkUrge open={urging} itemIds={selected} onClose={(done) => { setUrging(false); if (done) setSelected([]); }} />
    </PageContainer>
  );
}

function ColumnSettings({ hidden, setHidden }: { hidden: ColumnKey[]; setHidden: (h: ColumnKey[]) => void }) {
  const { t } = useTranslation('items');
  const label = (c: ColumnKey) => (c === 'departments' ? t('department') : c === 'title' ? t('itemTitle') : t(c));
  return (
    <Popover
      trigger="click"
      title={t('columns')}
      content={
        <Checkbox.Group
          className="column-settings"
          value={COLUMNS.filter((c) => !hidden.includes(c))}
          options={COLUMNS.map((c) => ({ value: c, label: label(c), disabled: c === 'title' }))}
          onChange={(shown) => {
            const next = COLUMNS.filter((c) => !shown.includes(c));
            localStorage.setItem(COLUMNS_KEY, JSON.stringify(next));
            setHidden(next);
          }}
        />
      }
    >
      <Button icon={<SettingOutlined />} aria-label={t('columns')} />
    </Popover>
  );
}

/** Named filter sets kept in this browser (localStorage). */
function SavedFilters() {
  const { t } = useTranslation('items');
  const [params, setParams] = useSearchParams();
  const [saved, setSaved] = useState<SavedFilter[]>(() => readJson(SAVED_KEY, []));
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const store = (next: SavedFilter[]) => {
    localStorage.setItem(SAVED_KEY, JSON.stringify(next));
    setSaved(next);
  };
  const current = new URLSearchParams(params);
  current.delete('page');
  const query = current.toString();
  return (
    <>
      <Dropdown
        trigger={['click']}
        menu={{
          items: [
            ...(saved.length === 0 ? [{ key: '_none', label: t('noSaved'), disabled: true }] : []),
            ...saved.map((f, i) => ({
              key: String(i),
              label: (
                <Flex justify="space-between" gap={16} align="center">
                  <span onClick={() => setParams(new URLSearchParams(f.query))}>{f.name}</span>
                  <DeleteOutlined
                    aria-label={t('deleteFilter')}
                    onClick={(e) => {
                      e.stopPropagation();
                      store(saved.filter((_, j) => j !== i));
                    }}
                  />
                </Flex>
              ),
            })),
            { type: 'divider' as const },
            { key: '_save', icon: <SaveOutlined />, label: t('saveFilter'), disabled: !query, onClick: () => setNaming(true) },
          ],
        }}
      >
        <Button>{t('savedFilters')}</Button>
      </Dropdown>
      <Modal
        open={naming}
        title={t('saveFilter')}
        onCancel={() => setNaming(false)}
        onOk={() => {
          if (name.trim()) store([...saved.filter((f) => f.name !== name.trim()), { name: name.trim(), query }]);
          setName('');
          setNaming(false);
        }}
      >
        <Input aria-label={t('filterName')} placeholder={t('filterName')} value={name} onChange={(e) => setName(e.target.value)} maxLength={40} />
      </Modal>
    </>
  );
}

/** Urges every open task of the selected items (one request per task, each with its own Idempotency-Key). */
function BulkUrge({ open, itemIds, onClose }: { open: boolean; itemIds: string[]; onClose: (done: boolean) => void }) {
  const { t } = useTranslation('items');
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ message: string }>();
  const [pending, setPending] = useState(false);
  const send = async ({ message: text }: { message: string }) => {
    setPending(true);
    try {
      const details = await Promise.all(itemIds.map((id) => queryClient.fetchQuery({ queryKey: keys.item(id), queryFn: () => get<ItemDetail>(`/api/items/${id}`) })));
      const tasks = details.flatMap((d) => d.tasks.filter((task) => OPEN.includes(task.status)));
      if (tasks.length === 0) {
        void message.info(t('noOpenTasks'));
        return;
      }
      const results = await Promise.allSettled(tasks.map((task) => api('POST', `/api/tasks/${task.id}/urge`, { body: { message: text }, idempotencyKey: newKey() })));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length) void message.error(t('urgeFailed', { failed: failed.length, reason: errorText(failed[0]!.reason, t) }));
      else void message.success(t('urged', { tasks: tasks.length }));
      for (const key of itemScoped) void queryClient.invalidateQueries({ queryKey: key });
      form.resetFields();
      onClose(failed.length === 0);
    } finally {
      setPending(false);
    }
  };
  return (
    <Modal open={open} title={t('urgeTitle', { count: itemIds.length })} onCancel={() => onClose(false)} onOk={() => form.submit()} confirmLoading={pending} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={(v) => void send(v)} initialValues={{ message: t('urgeDefault') }}>
        <Form.Item name="message" label={t('urgeMessage')} rules={[{ required: true, whitespace: true, message: t('common:required') }]}>
          <Input.TextArea rows={3} maxLength={5000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
