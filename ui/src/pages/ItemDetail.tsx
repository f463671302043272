import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, type ItemDetail, type Task, type TimelineEntry } from '../api';
import { Badge, DateTime, ErrorBox, Field, FormError, LightBadge, Loading, useResource, useSubmit } from '../components/ui';
import { useI18n, type Lang, type Messages } from '../i18n';
import { useDepartmentName, useSession } from '../session';
import { TaskActions } from './TaskActions';

export function ItemDetailPage() {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const { user } = useSession();
  const { data: item, error, loading, reload } = useResource<ItemDetail>(`/api/items/${encodeURIComponent(id)}`);
  // A task's answer to an action is newer than the read model until its projection lands.
  const [fresh, setFresh] = useState<Record<string, Task>>({});
  const timers = useRef<number[]>([]);
  useEffect(() => () => timers.current.forEach((h) => clearTimeout(h)), []);
  const onChanged = useCallback(
    (task?: Task) => {
      if (task) setFresh((old) => ({ ...old, [task.id]: task }));
      reload();
      // The read model (lights, timeline, the item's roll-up) follows the workflow within moments.
      for (const ms of [800, 2500]) timers.current.push(window.setTimeout(reload, ms));
    },
    [reload],
  );
  // Lights change by timers in the workflow: keep the open page current.
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, 20_000);
    return () => clearInterval(timer);
  }, [reload]);

  if (loading && !item) return <Loading />;
  if (error && !item) {
    const missing = error instanceof ApiError && (error.status === 404 || error.status === 403 || error.status === 400);
    return (
      <div className="page">
        {missing ? <p className="empty">{t.detail.notFound}</p> : <ErrorBox error={error} onRetry={reload} />}
        <Link to="/items">← {t.common.back}</Link>
      </div>
    );
  }
  if (!item) return null;
  const open = item.status === 'launched' || item.status === 'in_progress';

  return (
    <div className="page item-detail">
      <Link to="/items" className="back">
        ← {t.items.title}
      </Link>
      <div className="page-head">
        <div>
          <div className="muted mono">{item.code}</div>
          <h2 className="item-title">{item.title}</h2>
          <div className="tags">
            <Badge>{t.kinds[item.kind]}</Badge>
            <Badge tone={item.status === 'completed' ? 'good' : item.status === 'cancelled' ? 'bad' : 'info'}>
              <span data-testid="item-status">{t.itemStatus[item.status]}</span>
            </Badge>
            <span data-testid="item-light">
              <LightBadge light={item.light} />
            </span>
            {item.public && <Badge tone="info">{t.items.isPublic}</Badge>}
            {item.redEver && <Badge tone="bad">{t.detail.redEver}</Badge>}
          </div>
        </div>
      </div>

      <section className="card" aria-labelledby="overview">
        <h3 id="overview">{t.detail.overview}</h3>
        <dl className="facts">
          <dt>{t.detail.dueAt}</dt>
          <dd>
            <DateTime iso={item.dueAt} />
          </dd>
          <dt>{t.detail.createdAt}</dt>
          <dd>
            <DateTime iso={item.createdAt} />
          </dd>
          {item.completedAt && (
            <>
              <dt>{t.detail.completedAt}</dt>
              <dd>
                <DateTime iso={item.completedAt} />
              </dd>
            </>
          )}
          {item.cancelledAt && (
            <>
              <dt>{t.detail.cancelledAt}</dt>
              <dd>
                <DateTime iso={item.cancelledAt} />
              </dd>
            </>
          )}
          <dt>{t.detail.issuedBy}</dt>
          <dd>{item.issuedBy === user.id ? user.displayName : issuerName(item)}</dd>
          {item.source && (
            <>
              <dt>{t.detail.source}</dt>
              <dd>{item.source}</dd>
            </>
          )}
        </dl>
        {item.description && (
          <>
            <h4>{t.detail.description}</h4>
            <p className="prewrap">{item.description}</p>
          </>
        )}
      </section>

      <section aria-labelledby="tasks-title">
        <h3 id="tasks-title">{t.detail.tasks}</h3>
        {item.tasks.length === 0 && <p className="empty">{t.detail.noTasks}</p>}
        <div className="tasks">
          {item.tasks.map((task) => (
            <TaskCard key={task.id} task={newer(task, fresh[task.id])} item={item} onChanged={onChanged} />
          ))}
        </div>
      </section>

      {user.role === 'supervisor' && open && <CancelItem itemId={item.id} onDone={reload} />}

      <section className="card" aria-labelledby="timeline-title">
        <h3 id="timeline-title">{t.detail.timeline}</h3>
        <Timeline entries={item.timeline} tasks={item.tasks} lang={lang} t={t} />
      </section>
    </div>
  );
}

function newer(fromList: Task, fromAction: Task | undefined): Task {
  if (!fromAction) return fromList;
  return (fromAction.version ?? 0) > (fromList.version ?? 0) ? { ...fromList, ...fromAction } : fromList;
}

/** The API gives the issuer's id only; the launch entry of the timeline may name them. */
function issuerName(item: ItemDetail): string {
  const fromTimeline = item.timeline.find((e) => e.actor.userId === item.issuedBy);
  return fromTimeline ? fromTimeline.actor.name : item.issuedBy.slice(0, 8);
}

function TaskCard({ task, item, onChanged }: { task: Task; item: ItemDetail; onChanged: (task?: Task) => void }) {
  const { t, lang } = useI18n();
  const deptName = useDepartmentName();
  const closed = task.status === 'accepted' || task.status === 'transferred' || task.status === 'cancelled';
  const moved = task.dueAt !== task.originalDueAt;
  const reason = task.lightReason ? (lang === 'zh' ? task.lightReason.zh : task.lightReason.en) : null;
  return (
    <article className={`card task light-edge-${task.light}`} data-task-id={task.id} aria-label={deptName(task.departmentId, lang)}>
      <header className="task-head">
        <h4>
          {deptName(task.departmentId, lang)} <Badge>{t.taskRole[task.role]}</Badge>
        </h4>
        <span className="task-status" data-testid="task-status">
          {t.taskStatus[task.status]}
        </span>
        <span data-testid="task-light">
          <LightBadge light={task.light} />
        </span>
      </header>
      {reason && !closed && (
        <p className="light-reason" data-testid="light-reason">
          <span className="muted">{t.detail.reason}：</span>
          {reason}
        </p>
      )}
      <dl className="facts compact">
        <dt>{t.detail.currentDue}</dt>
        <dd>
          <DateTime iso={task.dueAt} />
          {(moved || task.postponed) && (
            <>
              {' '}
              <Badge tone="warn">{t.detail.postponed}</Badge>
            </>
          )}
        </dd>
        <dt>{t.detail.originalDue}</dt>
        <dd>
          <DateTime iso={task.originalDueAt} />
        </dd>
        {task.status === 'assigned' && (
          <>
            <dt>{t.detail.signDue}</dt>
            <dd>
              <DateTime iso={task.signDueAt} />
            </dd>
          </>
        )}
        {!closed && (
          <>
            <dt>{t.detail.warnAt}</dt>
            <dd>
              <DateTime iso={task.warnAt} />
            </dd>
          </>
        )}
        {typeof task.percent === 'number' && (
          <>
            <dt>{t.detail.percent}</dt>
            <dd>
              <progress max={100} value={task.percent} aria-label={t.detail.percent} /> <span data-testid="task-percent">{task.percent}%</span>
            </dd>
          </>
        )}
        {task.lastReportAt && (
          <>
            <dt>{t.detail.lastReport}</dt>
            <dd>
              <DateTime iso={task.lastReportAt} />
            </dd>
          </>
        )}
        <dt>{t.detail.outcome}</dt>
        <dd data-testid="task-outcome">{task.outcome ? t.outcomes[task.outcome] : '—'}</dd>
      </dl>
      <div className="tags">
        {task.redEver && <Badge tone="bad">{t.detail.redEver}</Badge>}
        {(task.urgeCount ?? 0) > 0 && <Badge tone="warn">{t.detail.urges(task.urgeCount!)}</Badge>}
        {(task.returnCount ?? 0) > 0 && <Badge tone="warn">{t.detail.returns(task.returnCount!)}</Badge>}
        {task.transferredTo && <Badge>→ {deptName(task.transferredTo, lang)}</Badge>}
      </div>
      {task.pendingExtension && (
        <div className="pending">
          <strong>{t.detail.pendingExtension}</strong>：{t.detail.newDueAt} <DateTime iso={task.pendingExtension.newDueAt} />
          <div className="prewrap">{task.pendingExtension.reason}</div>
        </div>
      )}
      {task.pendingTransfer && (
        <div className="pending">
          <strong>{t.detail.pendingTransfer}</strong>
          {task.pendingTransfer.suggestedDepartmentId && (
            <>
              ：{t.detail.suggested} {deptName(task.pendingTransfer.suggestedDepartmentId, lang)}
            </>
          )}
          <div className="prewrap">{task.pendingTransfer.reason}</div>
        </div>
      )}
      <TaskActions task={task} item={item} onChanged={onChanged} />
    </article>
  );
}

function CancelItem({ itemId, onDone }: { itemId: string; onDone: () => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [open, setOpen] = useState(false);
  const send = useCallback(
    (body: { reason: string }, key: string) => api<unknown>('POST', `/api/items/${itemId}/cancel`, { body, idempotencyKey: key }),
    [itemId],
  );
  const { submit, pending, error, fieldErrors } = useSubmit(send);
  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!window.confirm(t.actions.cancelConfirm)) return;
    if ((await submit({ reason })) !== undefined) onDone();
  }
  if (!open) {
    return (
      <p>
        <button type="button" className="danger" onClick={() => setOpen(true)}>
          {t.actions.cancelItem}
        </button>
      </p>
    );
  }
  return (
    <form className="card action-form" onSubmit={(e) => void onSubmit(e)}>
      <h3>{t.actions.cancelItem}</h3>
      <Field id="cancel-reason" label={t.actions.cancelReason} error={fieldErrors.reason}>
        <textarea id="cancel-reason" required value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <FormError error={error} fieldErrors={fieldErrors} shown={['reason']} />
      <div className="buttons">
        <button type="submit" className="danger" disabled={pending}>
          {t.actions.cancelItem}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          {t.common.cancel}
        </button>
      </div>
    </form>
  );
}

function Timeline({ entries, tasks, lang, t }: { entries: TimelineEntry[]; tasks: Task[]; lang: Lang; t: Messages }) {
  const deptName = useDepartmentName();
  if (entries.length === 0) return <p className="muted">{t.detail.noTimeline}</p>;
  const deptOfTask = new Map(tasks.map((task) => [task.id, task.departmentId]));
  return (
    <ol className="timeline">
      {entries.map((e) => {
        const dept = e.taskId ? deptOfTask.get(e.taskId) : undefined;
        const reason = e.reason ? (lang === 'zh' ? (e.reason.zh ?? e.reason.en) : e.reason.en) : null;
        const detail = describe(e, t, lang);
        return (
          <li key={e.id} data-type={e.type}>
            <DateTime iso={e.at} />
            <div>
              <strong>{t.timeline[e.type] ?? e.type}</strong>
              {dept && <span className="muted"> · {deptName(dept, lang)}</span>}
              <span className="muted"> · {e.actor.role === 'system' ? t.detail.system : e.actor.name}</span>
              {detail && <div className="prewrap">{detail}</div>}
              {reason && <div className="muted">{reason}</div>}
            </div>
          </li>
        );
      })}
    </ol>
  );
}

/** A line of plain words from an event's payload (progress text, comments, decisions, light change). */
function describe(e: TimelineEntry, t: Messages, lang: Lang): string | null {
  const d = (e.data ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  if (e.type === 'light_changed' && typeof d.from === 'string' && typeof d.to === 'string') {
    const l = t.lightShort as Record<string, string>;
    parts.push(`${l[d.from] ?? d.from} → ${l[d.to] ?? d.to}`);
  }
  if (e.type === 'item_status_changed' && typeof d.from === 'string' && typeof d.to === 'string') {
    const st = t.itemStatus as Record<string, string>;
    parts.push(`${st[d.from] ?? d.from} → ${st[d.to] ?? d.to}`);
  }
  if (typeof d.decision === 'string') parts.push((t.decision as Record<string, string>)[d.decision] ?? d.decision);
  if (typeof d.approve === 'boolean') parts.push(d.approve ? t.decision.approved : t.decision.denied);
  if (typeof d.percent === 'number') parts.push(`${d.percent}%`);
  if (typeof d.newDueAt === 'number' || typeof d.newDueAt === 'string') {
    const at = new Date(d.newDueAt as string | number);
    if (!Number.isNaN(at.getTime())) parts.push(`${t.detail.newDueAt} ${at.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' })}`);
  }
  for (const key of ['text', 'summary', 'message', 'comment', 'reason']) {
    const v = d[key];
    if (typeof v === 'string' && v.trim()) parts.push(v);
  }
  return parts.length ? parts.join(' · ') : null;
}
