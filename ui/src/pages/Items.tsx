import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ITEM_STATUSES, LIGHTS, qs, type ItemSummary, type Page } from '../api';
import { Badge, DateTime, ErrorBox, KindOptions, LightBadge, Loading, Pager, useResource } from '../components/ui';
import { useI18n } from '../i18n';
import { useDepartmentName, useSession } from '../session';

const PAGE_SIZE = 20;
/** Filters the list understands, all kept in the URL so the dashboard can link to a filtered list. */
const FILTERS = ['kind', 'status', 'light', 'q', 'departmentId', 'issuedBy', 'from', 'to', 'metric', 'dateField', 'asOf'] as const;

export function ItemsPage() {
  const { t, lang } = useI18n();
  const { user, departments } = useSession();
  const deptName = useDepartmentName();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const query: Record<string, string | number | undefined> = { page, pageSize: PAGE_SIZE };
  for (const f of FILTERS) query[f] = params.get(f) ?? undefined;
  const { data, error, loading, reload } = useResource<Page<ItemSummary>>(`/api/items${qs(query)}`);

  const [q, setQ] = useState(params.get('q') ?? '');
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    next.delete('page');
    setParams(next);
  };
  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    setFilter('q', q.trim());
  };
  const active = FILTERS.filter((f) => params.get(f));

  return (
    <div className="page">
      <div className="page-head">
        <h2>{t.items.title}</h2>
        {(user.role === 'supervisor' || user.role === 'leader') && (
          <Link className="button primary" to="/launch">
            {t.nav.launch}
          </Link>
        )}
      </div>
      <form className="filters card" onSubmit={onSearch} aria-label={t.items.filters}>
        <label>
          {t.items.kind}
          <select value={params.get('kind') ?? ''} onChange={(e) => setFilter('kind', e.target.value)}>
            <KindOptions />
          </select>
        </label>
        <label>
          {t.items.status}
          <select value={params.get('status') ?? ''} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">{t.common.all}</option>
            {ITEM_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t.itemStatus[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.items.light}
          <select value={params.get('light') ?? ''} onChange={(e) => setFilter('light', e.target.value)}>
            <option value="">{t.common.all}</option>
            {LIGHTS.map((l) => (
              <option key={l} value={l}>
                {t.lights[l]}
              </option>
            ))}
          </select>
        </label>
        {user.role !== 'department' && (
          <label>
            {t.items.department}
            <select value={params.get('departmentId') ?? ''} onChange={(e) => setFilter('departmentId', e.target.value)}>
              <option value="">{t.common.all}</option>
              {departments.map((d) => (
                <option key={d.id} value={d.id}>
                  {deptName(d.id, lang)}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="grow">
          {t.items.q}
          <input type="search" value={q} placeholder={t.items.qPlaceholder} onChange={(e) => setQ(e.target.value)} />
        </label>
        <button type="submit">{t.common.search}</button>
        {active.length > 0 && (
          <button
            type="button"
            className="link"
            onClick={() => {
              setQ('');
              setParams(new URLSearchParams());
            }}
          >
            {t.items.clear}
          </button>
        )}
      </form>
      {params.get('metric') && (
        <p className="muted" data-testid="metric-filter">
          {t.items.filteredBy}：{(t.dashboard as Record<string, unknown>)[params.get('metric')!] as string ?? params.get('metric')}
          {params.get('departmentId') && ` · ${deptName(params.get('departmentId'), lang)}`}
        </p>
      )}
      <ErrorBox error={error} onRetry={reload} />
      {loading && !data ? (
        <Loading />
      ) : data && data.items.length === 0 ? (
        <p className="empty">{t.items.empty}</p>
      ) : data ? (
        <>
          <table className="table items-table">
            <thead>
              <tr>
                <th>{t.items.code}</th>
                <th>{t.items.itemTitle}</th>
                <th>{t.items.kind}</th>
                <th>{t.items.department}</th>
                <th>{t.items.status}</th>
                <th>{t.items.light}</th>
                <th>{t.items.dueAt}</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((item) => (
                <tr key={item.id} data-item-id={item.id}>
                  <td className="mono">{item.code}</td>
                  <td>
                    <Link to={`/items/${item.id}`}>{item.title}</Link>
                    {item.public && (
                      <>
                        {' '}
                        <Badge tone="info">{t.items.isPublic}</Badge>
                      </>
                    )}
                  </td>
                  <td>{t.kinds[item.kind]}</td>
                  <td>{item.departmentIds.map((id) => deptName(id, lang)).join(lang === 'zh' ? '、' : ', ')}</td>
                  <td>{t.itemStatus[item.status]}</td>
                  <td>
                    <LightBadge light={item.light} short />
                  </td>
                  <td>
                    <DateTime iso={item.dueAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager page={data.page} pageSize={data.pageSize} total={data.total} />
        </>
      ) : null}
    </div>
  );
}
