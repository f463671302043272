import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ApiError, qs, type DashboardRow } from '../api';
import { ErrorBox, KindOptions, Loading, useResource } from '../components/ui';
import { formatPercent, localInputToIso } from '../format';
import { useI18n } from '../i18n';
import { useDepartmentName } from '../session';

interface Dashboard {
  departments: DashboardRow[];
  totals: DashboardRow;
}

const CHART_MAX = 30;
const METRICS = ['total', 'completed', 'onTime', 'overdue', 'postponed', 'inProgress', 'yellow', 'red'] as const;
type Metric = (typeof METRICS)[number];

/** GET /api/dashboard: every department's record, each figure a link to the items behind it. */
export function DashboardPage() {
  const { t, lang } = useI18n();
  const deptName = useDepartmentName();
  const [params, setParams] = useSearchParams();
  const kind = params.get('kind') ?? '';
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const [fromInput, setFromInput] = useState(from ? from.slice(0, 10) : '');
  const [toInput, setToInput] = useState(to ? to.slice(0, 10) : '');
  const { data, error, loading, reload } = useResource<Dashboard>(`/api/dashboard${qs({ kind, from, to })}`);

  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };

  const link = (row: DashboardRow, metric: Metric) =>
    // The item list takes the figure itself (metric) with the same filters: exactly the items behind it.
    `/items${qs({ ...(row.departmentId ? { departmentId: row.departmentId } : {}), kind, from, to, metric: metric === 'total' && !row.departmentId ? undefined : metric })}`;
  const nameOf = (row: DashboardRow) => row.departmentName ?? row.name ?? deptName(row.departmentId, lang);

  const unavailable = error instanceof ApiError && error.status === 404;
  const rows = data?.departments ?? [];
  // Departments with something completed (a rate to show), best first; a long list is cut to stay readable.
  const rated = rows
    .filter((r) => r.onTimeRate !== null)
    .map((r) => ({ name: nameOf(r), rate: Math.round((r.onTimeRate! <= 1 ? r.onTimeRate! * 100 : r.onTimeRate!) * 10) / 10 }))
    .sort((a, b) => b.rate - a.rate || a.name.localeCompare(b.name));
  const chartData = rated.slice(0, CHART_MAX);

  return (
    <div className="page">
      <div className="page-head">
        <h2>{t.dashboard.title}</h2>
      </div>
      <p className="muted">{t.dashboard.intro}</p>
      <form
        className="filters card"
        onSubmit={(e) => {
          e.preventDefault();
          const next = new URLSearchParams(params);
          const f = fromInput ? localInputToIso(`${fromInput}T00:00`) : undefined;
          const tt = toInput ? localInputToIso(`${toInput}T23:59`) : undefined;
          if (f) next.set('from', f);
          else next.delete('from');
          if (tt) next.set('to', tt);
          else next.delete('to');
          setParams(next);
        }}
      >
        <label>
          {t.items.kind}
          <select value={kind} onChange={(e) => set('kind', e.target.value)}>
            <KindOptions />
          </select>
        </label>
        <label>
          {t.dashboard.from}
          <input type="date" value={fromInput} onChange={(e) => setFromInput(e.target.value)} />
        </label>
        <label>
          {t.dashboard.to}
          <input type="date" value={toInput} onChange={(e) => setToInput(e.target.value)} />
        </label>
        <button type="submit">{t.common.search}</button>
      </form>
      {unavailable ? (
        <p className="empty">{t.dashboard.unavailable}</p>
      ) : (
        <ErrorBox error={error} onRetry={reload} />
      )}
      {loading && !data && <Loading />}
      {data && rows.length === 0 && <p className="empty">{t.dashboard.empty}</p>}
      {data && rows.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table dashboard-table">
              <thead>
                <tr>
                  <th>{t.dashboard.department}</th>
                  {METRICS.map((m) => (
                    <th key={m} className="num">
                      {t.dashboard[m]}
                    </th>
                  ))}
                  <th className="num">{t.dashboard.onTimeRate}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.departmentId ?? nameOf(row)} data-department-id={row.departmentId}>
                    <th scope="row">{nameOf(row)}</th>
                    {METRICS.map((m) => (
                      <td key={m} className={`num metric-${m}`}>
                        <Link to={link(row, m)} aria-label={`${nameOf(row)} ${t.dashboard[m]} ${row[m]}`}>
                          {row[m]}
                        </Link>
                      </td>
                    ))}
                    <td className="num">{formatPercent(row.onTimeRate)}</td>
                  </tr>
                ))}
              </tbody>
              {data.totals && (
                <tfoot>
                  <tr>
                    <th scope="row">{t.dashboard.totals}</th>
                    {METRICS.map((m) => (
                      <td key={m} className={`num metric-${m}`}>
                        <Link to={link(data.totals, m)}>{data.totals[m]}</Link>
                      </td>
                    ))}
                    <td className="num">{formatPercent(data.totals.onTimeRate)}</td>
                  </tr>
                </tfoot>
              )}
            </table>
          </div>
          <section className="card chart" aria-labelledby="chart-title">
            <h3 id="chart-title">{t.dashboard.chart}</h3>
            {rated.length > CHART_MAX && <p className="muted">{t.dashboard.chartCut(CHART_MAX, rated.length)}</p>}
            {rated.length === 0 && <p className="muted">{t.dashboard.chartEmpty}</p>}
            <div style={{ width: '100%', height: Math.max(220, chartData.length * 36 + 60) }}>
              <ResponsiveContainer>
                <BarChart data={chartData} layout="vertical" margin={{ left: 24, right: 32, top: 8, bottom: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                  <XAxis type="number" domain={[0, 100]} unit="%" />
                  <YAxis type="category" dataKey="name" width={140} />
                  <Tooltip formatter={(v) => [`${String(v)}%`, t.dashboard.onTimeRate]} />
                  <Bar dataKey="rate" name={t.dashboard.onTimeRate} isAnimationActive={false}>
                    {chartData.map((d, i) => (
                      <Cell key={i} fill={d.rate >= 90 ? '#2e7d32' : d.rate >= 60 ? '#c79100' : '#c62828'} />
                    ))}
                  </Bar>
                </BarChart>
              </ResponsiveContainer>
            </div>
          </section>
        </>
      )}
    </div>
  );
}
