import { useCallback, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, qs, type InboxItem, type Page } from '../api';
import { Badge, DateTime, ErrorBox, Loading, Pager, useResource } from '../components/ui';
import { newKey } from '../format';
import { useI18n } from '../i18n';
import { useSession } from '../session';

/** GET /api/inbox, newest first; opening or marking a message posts /api/inbox/:id/read. */
export function InboxPage() {
  const { t } = useI18n();
  const { refreshUnread } = useSession();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const unreadOnly = params.get('unread') === 'true';
  const { data, error, loading, reload, setData } = useResource<Page<InboxItem> & { unread: number }>(
    `/api/inbox${qs({ page, pageSize: 20, unread: unreadOnly ? 'true' : undefined })}`,
  );
  const [failed, setFailed] = useState<unknown>(null);

  const markRead = useCallback(
    async (item: InboxItem) => {
      if (item.readAt) return;
      try {
        const updated = await api<InboxItem>('POST', `/api/inbox/${item.id}/read`, { idempotencyKey: newKey() });
        setData((old) =>
          old ? { ...old, unread: Math.max(0, old.unread - 1), items: old.items.map((x) => (x.id === item.id ? { ...x, readAt: updated?.readAt ?? new Date().toISOString() } : x)) } : old,
        );
        refreshUnread();
      } catch (e) {
        setFailed(e);
      }
    },
    [setData, refreshUnread],
  );

  return (
    <div className="page">
      <div className="page-head">
        <h2>
          {t.inbox.title}
          {data && data.unread > 0 && <span className="muted small"> · {t.inbox.unread(data.unread)}</span>}
        </h2>
        <label className="inline">
          <input
            type="checkbox"
            checked={unreadOnly}
            onChange={(e) => {
              const next = new URLSearchParams();
              if (e.target.checked) next.set('unread', 'true');
              setParams(next);
            }}
          />{' '}
          {t.inbox.unreadOnly}
        </label>
      </div>
      <ErrorBox error={error ?? failed} onRetry={reload} />
      {loading && !data && <Loading />}
      {data && data.items.length === 0 && <p className="empty">{t.inbox.empty}</p>}
      {data && data.items.length > 0 && (
        <>
          <ul className="inbox">
            {data.items.map((m) => (
              <li key={m.id} className={m.readAt ? 'read' : 'unread'} data-inbox-id={m.id}>
                <div className="inbox-head">
                  {!m.readAt && <span className="unread-dot" aria-hidden="true" />}
                  <strong>{m.subject}</strong>
                  {m.urgent && <Badge tone="bad">{t.inbox.urgent}</Badge>}
                  <span className="muted">
                    <DateTime iso={m.occurredAt} />
                  </span>
                </div>
                {m.body && <p className="prewrap">{m.body}</p>}
                <div className="buttons">
                  <Link to={`/items/${m.itemId}`} onClick={() => void markRead(m)}>
                    {t.inbox.open}
                  </Link>
                  {m.readAt ? (
                    <span className="muted">{t.inbox.read}</span>
                  ) : (
                    <button type="button" className="link" onClick={() => void markRead(m)}>
                      {t.inbox.markRead}
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ul>
          <Pager page={data.page} pageSize={data.pageSize} total={data.total} />
        </>
      )}
    </div>
  );
}
