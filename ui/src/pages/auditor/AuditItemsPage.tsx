/** The auditor's way in: find an item (by code or words) and open its history, replay and verification. */
import './auditor.css';
import { useQuery } from '@tanstack/react-query';
import { Card, Input, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get, qs } from '../../api/client';
import { keys } from '../../api/keys';
import type { ItemSummary, Page } from '../../api/types';
import { DateTime } from '../../components/DateTime';
import { LightBadge } from '../../components/LightBadge';
import { PageContainer } from '../../components/PageContainer';
import { ItemStatusTag } from '../../components/StatusTag';

export default function AuditItemsPage() {
  const { t } = useTranslation('auditor');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const items = useQuery({
    queryKey: keys.items({ audit: true, q, page }),
    queryFn: ({ signal }) => get<Page<ItemSummary>>(`/api/items${qs({ q: q || undefined, page, pageSize: 20 })}`, signal),
    placeholderData: (previous) => previous,
  });
  const columns: TableColumnsType<ItemSummary> = [
    {
      title: t('items.item'),
      key: 'item',
      render: (_, r) => (
        <Link to={`/items/${r.id}/audit`} className="wrap-anywhere" data-testid="audit-item-link">
          {r.code} {r.title}
        </Link>
      ),
    },
    { title: t('items.kind'), dataIndex: 'kind', key: 'kind', responsive: ['md'], render: (k: string) => t(`common:kinds.${k}`) },
    { title: t('items.status'), dataIndex: 'status', key: 'status', render: (_, r) => <ItemStatusTag status={r.status} /> },
    { title: t('items.light'), dataIndex: 'light', key: 'light', render: (_, r) => <LightBadge light={r.light} short /> },
    { title: t('items.launched'), dataIndex: 'createdAt', key: 'createdAt', responsive: ['md'], render: (d: string) => <DateTime iso={d} dateOnly /> },
  ];
  return (
    <PageContainer title={t('items.title')} subTitle={t('items.hint')}>
      <Card size="small">
        <Input.Search
          allowClear
          enterButton={t('common:search')}
          placeholder={t('items.search')}
          aria-label={t('items.search')}
          onSearch={(v) => {
            setPage(1);
            setQ(v.trim());
          }}
          className="audit-search"
        />
        <Table<ItemSummary>
          rowKey="id"
          size="small"
          loading={items.isFetching}
          columns={columns}
          dataSource={items.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          pagination={{ current: page, pageSize: 20, total: items.data?.total ?? 0, onChange: setPage, showSizeChanger: false, hideOnSinglePage: true }}
        />
      </Card>
    </PageContainer>
  );
}
