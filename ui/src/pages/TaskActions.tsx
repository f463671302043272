/** The forms a user may fill in on one task, by role and the task's state. Each answers the task's new state. */
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, get, type ItemDetail, type Task, type Template } from '../api';
import { Field, FormError, useSubmit } from '../components/ui';
import { isoToLocalInput, localInputToIso } from '../format';
import { pickBilingual, useI18n } from '../i18n';
import { useDepartmentName, useSession } from '../session';

type Action = 'sign' | 'progress' | 'extension' | 'transfer' | 'complete' | 'review' | 'extension-decision' | 'transfer-decision' | 'urge';

const WORKING = ['signed', 'in_progress'];
const CLOSED = ['accepted', 'transferred', 'cancelled'];

/** What this user may do on this task now (the workflow has the last word; this only hides dead buttons). */
export function availableActions(task: Task, user: { role: string; departmentId: string | null }, itemOpen: boolean): Action[] {
  if (!itemOpen || CLOSED.includes(task.status)) return [];
  const out: Action[] = [];
  if (user.role === 'department' && user.departmentId === task.departmentId) {
    if (task.status === 'assigned') out.push('sign');
    if (WORKING.includes(task.status)) out.push('progress', 'complete');
    if (WORKING.includes(task.status) && !task.pendingExtension) out.push('extension');
    if ((task.status === 'assigned' || WORKING.includes(task.status)) && !task.pendingTransfer) out.push('transfer');
  }
  if (user.role === 'supervisor') {
    if (task.status === 'submitted') out.push('review');
    if (task.pendingExtension) out.push('extension-decision');
    if (task.pendingTransfer) out.push('transfer-decision');
  }
  if (user.role === 'supervisor' || user.role === 'leader') out.push('urge');
  return out;
}

export function TaskActions({ task, item, onChanged }: { task: Task; item: ItemDetail; onChanged: (task?: Task) => void }) {
  const { t } = useI18n();
  const { user } = useSession();
  const itemOpen = item.status === 'launched' || item.status === 'in_progress';
  const actions = availableActions(task, user, itemOpen);
  const [open, setOpen] = useState<Action | null>(null);
  const [done, setDone] = useState(false);
  if (actions.length === 0) return null;

  const labels: Record<Action, string> = {
    sign: t.actions.sign,
    progress: t.actions.progress,
    extension: t.actions.extension,
    transfer: t.actions.transfer,
    complete: t.actions.complete,
    review: t.actions.review,
    'extension-decision': t.actions.extensionDecision,
    'transfer-decision': t.actions.transferDecision,
    urge: t.actions.urge,
  };
  const finished = (next?: Task) => {
    setOpen(null);
    setDone(true);
    onChanged(next);
  };
  const common = { task, onDone: finished, onClose: () => setOpen(null) };

  return (
    <div className="task-actions">
      <div className="buttons" role="group" aria-label={t.detail.actions}>
        {actions.map((a) => (
          <button
            key={a}
            type="button"
            className={a === open ? 'active' : a === 'sign' || a === 'review' ? 'primary' : ''}
            aria-expanded={a === open}
            onClick={() => {
              setDone(false);
              setOpen(open === a ? null : a);
            }}
          >
            {labels[a]}
          </button>
        ))}
      </div>
      {done && !open && (
        <p className="success" role="status">
          {t.actions.done}
        </p>
      )}
      {open === 'sign' && <SignForm {...common} />}
      {open === 'progress' && <ProgressForm {...common} />}
      {open === 'extension' && <ExtensionForm {...common} />}
      {open === 'transfer' && <TransferForm {...common} />}
      {open === 'complete' && <CompleteForm {...common} kind={item.kind} />}
      {open === 'review' && <ReviewForm {...common} />}
      {open === 'extension-decision' && <ExtensionDecisionForm {...common} />}
      {open === 'transfer-decision' && <TransferDecisionForm {...common} />}
      {open === 'urge' && <UrgeForm {...common} />}
    </div>
  );
}

interface FormProps {
  task: Task;
  onDone: (task?: Task) => void;
  onClose: () => void;
}

/** One action form: posts to /api/tasks/:id/<action> with an Idempotency-Key, errors beside their fields. */
function useTaskAction<B>(taskId: string, action: Action) {
  const send = useCallback((body: B, key: string) => api<Task>('POST', `/api/tasks/${taskId}/${action}`, { body, idempotencyKey: key }), [taskId, action]);
  return useSubmit(send);
}

function ActionForm({ title, children, onSubmit, pending, onClose, submitLabel, error, fieldErrors, shown }: {
  title: string;
  children: ReactNode;
  onSubmit: () => void;
  pending: boolean;
  onClose: () => void;
  submitLabel?: string;
  error: unknown;
  fieldErrors: Record<string, string>;
  shown: string[];
}) {
  const { t } = useI18n();
  return (
    <form
      className="action-form"
      aria-label={title}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <h5>{title}</h5>
      {children}
      <FormError error={error} fieldErrors={fieldErrors} shown={shown} />
      <div className="buttons">
        <button type="submit" className="primary" disabled={pending}>
          {pending ? t.common.submitting : (submitLabel ?? t.common.submit)}
        </button>
        <button type="button" onClick={onClose}>
          {t.common.cancel}
        </button>
      </div>
    </form>
  );
}

function SignForm({ task, onDone, onClose }: FormProps) {
  const { t } = useI18n();
  const { submit, pending, error, fieldErrors } = useTaskAction<Record<string, never>>(task.id, 'sign');
  return (
    <ActionForm
      title={t.actions.sign}
      submitLabel={t.actions.sign}
      pending={pending}
      onClose={onClose}
      error={error}
      fieldErrors={fieldErrors}
      shown={[]}
      onSubmit={() => void submit({}).then((r) => r && onDone(r))}
    >
      <p className="muted">{t.actions.signHint}</p>
    </ActionForm>
  );
}

function ProgressForm({ task, onDone, onClose }: FormProps) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [percent, setPercent] = useState(task.percent != null ? String(task.percent) : '');
  const { submit, pending, error, fieldErrors } = useTaskAction<{ text: string; percent?: number }>(task.id, 'progress');
  const id = `p-${task.id}`;
  return (
    <ActionForm
      title={t.actions.progress}
      pending={pending}
      onClose={onClose}
      error={error}
      fieldErrors={fieldErrors}
      shown={['text', 'percent']}
      onSubmit={() => void submit({ text, ...(percent !== '' ? { percent: Number(percent) } : {}) }).then((r) => r && onDone(r))}
    >
      <Field id={`${id}-text`} label={t.actions.progressText} error={fieldErrors.text}>
        <textarea id={`${id}-text`} required value={text} onChange={(e) => setText(e.target.value)} />
      </Field>
      <Field id={`${id}-percent`} label={t.actions.percent} error={fieldErrors.percent}>
        <input id={`${id}-percent`} type="number" min={0} max={100} step={1} value={percent} onChange={(e) => setPercent(e.target.value)} />
      </Field>
    </ActionForm>
  );
}

function ExtensionForm({ task, onDone, onClose }: FormProps) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [newDueAt, setNewDueAt] = useState(isoToLocalInput(new Date(new Date(task.dueAt).getTime() + 7 * 86_400_000).toISOString()));
  const { submit, pending, error, fieldErrors } = useTaskAction<{ reason: string; newDueAt: string }>(task.id, 'extension');
  const id = `x-${task.id}`;
  return (
    <ActionForm
      title={t.actions.extension}
      pending={pending}
      onClose={onClose}
      error={error}
      fieldErrors={fieldErrors}
      shown={['reason', 'newDueAt']}
      onSubmit={() => void submit({ reason, newDueAt: localInputToIso(newDueAt) ?? '' }).then((r) => r && onDone(r))}
    >
      <Field id={`${id}-due`} label={t.actions.newDueAt} error={fieldErrors.newDueAt}>
        <input id={`${id}-due`} type="datetime-local" required value={newDueAt} onChange={(e) => setNewDueAt(e.target.value)} />
      </Field>
      <Field id={`${id}-reason`} label={t.actions.extensionReason} error={fieldErrors.reason}>
        <textarea id={`${id}-reason`} required value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
    </ActionForm>
  );
}

function DepartmentSelect({ id, value, onChange, exclude, required }: { id: string; value: string; onChange: (v: string) => void; exclude?: string; required?: boolean }) {
  const { t, lang } = useI18n();
  const { departments } = useSession();
  const deptName = useDepartmentName();
  return (
    <select id={id} value={value} required={required} onChange={(e) => onChange(e.target.value)}>
      <option value="">{t.launch.choose}</option>
      {departments
        .filter((d) => d.id !== exclude)
        .map((d) => (
          <option key={d.id} value={d.id}>
            {deptName(d.id, lang)}
          </option>
        ))}
    </select>
  );
}

function TransferForm({ task, onDone, onClose }: FormProps) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [suggested, setSuggested] = useState('');
  const { submit, pending, error, fieldErrors } = useTaskAction<{ reason: string; suggestedDepartmentId?: string }>(task.id, 'transfer');
  const id = `t-${task.id}`;
  return (
    <ActionForm
      title={t.actions.transfer}
      pending={pending}
      onClose={onClose}
      error={error}
      fieldErrors={fieldErrors}
      shown={['reason', 'suggestedDepartmentId']}
      onSubmit={() => void submit({ reason, ...(suggested ? { suggestedDepartmentId: suggested } : {}) }).then((r) => r && onDone(r))}
    >
      <Field id={`${id}-reason`} label={t.actions.transferReason} error={fieldErrors.reason}>
        <textarea id={`${id}-reason`} required value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <Field id={`${id}-dept`} label={t.actions.suggestedDepartment} error={fieldErrors.suggestedDepartmentId}>
        <DepartmentSelect id={`${id}-dept`} value={suggested} onChange={setSuggested} exclude={task.departmentId} />
      </Field>
    </ActionForm>
  );
}

interface JsonField {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: { type?: string };
}

/** Renders the simple fields of the template's JSON Schema: string, number, integer, boolean, enum, list of strings. */
function CompleteForm({ task, onDone, onClose, kind }: FormProps & { kind: string }) {
  const { t, lang } = useI18n();
  const [summary, setSummary] = useState('');
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [schema, setSchema] = useState<{ properties?: Record<string, JsonField>; required?: string[] } | null>(null);
  useEffect(() => {
    get<Template>(`/api/templates/${kind}`)
      .then((tpl) => setSchema(tpl.completionFields as typeof schema))
      .catch(() => setSchema({}));
  }, [kind]);
  const { submit, pending, error, fieldErrors } = useTaskAction<{ summary: string; fields?: Record<string, unknown> }>(task.id, 'complete');
  const props = Object.entries(schema?.properties ?? {});
  const required = new Set(schema?.required ?? []);
  const id = `c-${task.id}`;

  const typeOf = (f: JsonField) => (Array.isArray(f.type) ? f.type.find((x) => x !== 'null') : f.type);
  const toFields = () => {
    const out: Record<string, unknown> = {};
    for (const [name, f] of props) {
      const v = values[name];
      const type = typeOf(f);
      if (type === 'boolean') {
        if (v !== undefined) out[name] = Boolean(v);
        continue;
      }
      if (v === undefined || v === '') continue;
      if (type === 'number' || type === 'integer') out[name] = Number(v);
      else if (type === 'array') out[name] = String(v).split('\n').map((s) => s.trim()).filter(Boolean);
      else out[name] = v;
    }
    return out;
  };

  return (
    <ActionForm
      title={t.actions.complete}
      pending={pending}
      onClose={onClose}
      error={error}
      fieldErrors={fieldErrors}
      shown={['summary', ...props.map(([n]) => `fields.${n}`)]}
      onSubmit={() => void submit({ summary, fields: toFields() }).then((r) => r && onDone(r))}
    >
      <Field id={`${id}-summary`} label={t.actions.summary} error={fieldErrors.summary}>
        <textarea id={`${id}-summary`} required value={summary} onChange={(e) => setSummary(e.target.value)} />
      </Field>
      {props.map(([name, f]) => {
        const type = typeOf(f);
        const fid = `${id}-f-${name}`;
        const label = (
          <>
            {pickBilingual(f.title ?? name, lang)}
            {required.has(name) && <span className="req" aria-label={t.common.required}> *</span>}
          </>
        );
        const err = fieldErrors[`fields.${name}`];
        const set = (v: string | boolean) => setValues((old) => ({ ...old, [name]: v }));
        if (f.enum) {
          return (
            <Field key={name} id={fid} label={label} error={err}>
              <select id={fid} required={required.has(name)} value={String(values[name] ?? '')} onChange={(e) => set(e.target.value)}>
                <option value="">{t.launch.choose}</option>
                {f.enum.map((opt) => (
                  <option key={String(opt)} value={String(opt)}>
                    {String(opt)}
                  </option>
                ))}
              </select>
            </Field>
          );
        }
        if (type === 'boolean') {
          return (
            <div key={name} className="field checkbox">
              <label>
                <input type="checkbox" checked={Boolean(values[name])} onChange={(e) => set(e.target.checked)} /> {label}
              </label>
              {err && <div className="field-error">{err}</div>}
            </div>
          );
        }
        if (type === 'number' || type === 'integer') {
          return (
            <Field key={name} id={fid} label={label} error={err}>
              <input id={fid} type="number" step={type === 'integer' ? 1 : 'any'} min={f.minimum} max={f.maximum} required={required.has(name)} value={String(values[name] ?? '')} onChange={(e) => set(e.target.value)} />
            </Field>
          );
        }
        if (type === 'array' && f.items?.type === 'string') {
          return (
            <Field key={name} id={fid} label={label} error={err} hint={t.actions.listHint}>
              <textarea id={fid} value={String(values[name] ?? '')} onChange={(e) => set(e.target.value)} />
            </Field>
          );
        }
        if (type === 'string') {
          const long = (f.maxLength ?? 10_000) > 200;
          return (
            <Field key={name} id={fid} label={label} error={err} hint={f.description}>
              {long ? (
                <textarea id={fid} required={required.has(name)} value={String(values[name] ?? '')} onChange={(e) => set(e.target.value)} />
              ) : (
                <input id={fid} required={required.has(name)} maxLength={f.maxLength} value={String(values[name] ?? '')} onChange={(e) => set(e.target.value)} />
              )}
            </Field>
          );
        }
        return null; // nested objects and the like are beyond a simple form
      })}
    </ActionForm>
  );
}

function ReviewForm({ task, onDone, onClose }: FormProps) {
  const { t } = useI18n();
  const [decision, setDecision] = useState<'accept' | 'return'>('accept');
  const [comment, setComment] = useState('');
  const { submit, pending, error, fieldErrors } = useTaskAction<{ decision: 'accept' | 'return'; comment: string }>(task.id, 'review');
  const id = `r-${task.id}`;
  return (
    <ActionForm
      title={t.actions.review}
      pending={pending}
      onClose={onClose}
      error={error}
      fieldErrors={fieldErrors}
      shown={['comment', 'decision']}
      onSubmit={() => void submit({ decision, comment }).then((r) => r && onDone(r))}
    >
      <fieldset className="radios">
        <label>
          <input type="radio" name={`${id}-d`} checked={decision === 'accept'} onChange={() => setDecision('accept')} /> {t.actions.accept}
        </label>
        <label>
          <input type="radio" name={`${id}-d`} checked={decision === 'return'} onChange={() => setDecision('return')} /> {t.actions.return}
        </label>
      </fieldset>
      <Field id={`${id}-c`} label={decision === 'return' ? t.actions.commentReturn : t.actions.comment} error={fieldErrors.comment}>
        <textarea id={`${id}-c`} required={decision === 'return'} value={comment} onChange={(e) => setComment(e.target.value)} />
      </Field>
    </ActionForm>
  );
}

function ExtensionDecisionForm({ task, onDone, onClose }: FormProps) {
  const { t } = useI18n();
  const [approve, setApprove] = useState(true);
  const [comment, setComment] = useState('');
  const { submit, pending, error, fieldErrors } = useTaskAction<{ approve: boolean; comment?: string }>(task.id, 'extension-decision');
  const id = `xd-${task.id}`;
  return (
    <ActionForm
      title={t.actions.extensionDecision}
      pending={pending}
      onClose={onClose}
      error={error}
      fieldErrors={fieldErrors}
      shown={['comment', 'approve']}
      onSubmit={() => void submit({ approve, ...(comment.trim() ? { comment } : {}) }).then((r) => r && onDone(r))}
    >
      <fieldset className="radios">
        <label>
          <input type="radio" name={`${id}-d`} checked={approve} onChange={() => setApprove(true)} /> {t.actions.approve}
        </label>
        <label>
          <input type="radio" name={`${id}-d`} checked={!approve} onChange={() => setApprove(false)} /> {t.actions.deny}
        </label>
      </fieldset>
      {fieldErrors.approve && <div className="field-error">{fieldErrors.approve}</div>}
      <Field id={`${id}-c`} label={t.actions.comment} error={fieldErrors.comment}>
        <textarea id={`${id}-c`} value={comment} onChange={(e) => setComment(e.target.value)} />
      </Field>
    </ActionForm>
  );
}

function TransferDecisionForm({ task, onDone, onClose }: FormProps) {
  const { t } = useI18n();
  const [approve, setApprove] = useState(true);
  const [departmentId, setDepartmentId] = useState(task.pendingTransfer?.suggestedDepartmentId ?? '');
  const [comment, setComment] = useState('');
  const { submit, pending, error, fieldErrors } = useTaskAction<{ approve: boolean; departmentId?: string; comment?: string }>(task.id, 'transfer-decision');
  const id = `td-${task.id}`;
  return (
    <ActionForm
      title={t.actions.transferDecision}
      pending={pending}
      onClose={onClose}
      error={error}
      fieldErrors={fieldErrors}
      shown={['comment', 'departmentId', 'approve']}
      onSubmit={() =>
        void submit({ approve, ...(approve && departmentId ? { departmentId } : {}), ...(comment.trim() ? { comment } : {}) }).then((r) => r && onDone(r))
      }
    >
      <fieldset className="radios">
        <label>
          <input type="radio" name={`${id}-d`} checked={approve} onChange={() => setApprove(true)} /> {t.actions.approve}
        </label>
        <label>
          <input type="radio" name={`${id}-d`} checked={!approve} onChange={() => setApprove(false)} /> {t.actions.deny}
        </label>
      </fieldset>
      {approve && (
        <Field id={`${id}-dept`} label={t.actions.toDepartment} error={fieldErrors.departmentId}>
          <DepartmentSelect id={`${id}-dept`} value={departmentId} onChange={setDepartmentId} exclude={task.departmentId} required />
        </Field>
      )}
      <Field id={`${id}-c`} label={t.actions.comment} error={fieldErrors.comment}>
        <textarea id={`${id}-c`} value={comment} onChange={(e) => setComment(e.target.value)} />
      </Field>
    </ActionForm>
  );
}

function UrgeForm({ task, onDone, onClose }: FormProps) {
  const { t } = useI18n();
  const [message, setMessage] = useState('');
  const { submit, pending, error, fieldErrors } = useTaskAction<{ message: string }>(task.id, 'urge');
  const id = `u-${task.id}`;
  return (
    <ActionForm
      title={t.actions.urge}
      submitLabel={t.actions.urge}
      pending={pending}
      onClose={onClose}
      error={error}
      fieldErrors={fieldErrors}
      shown={['message']}
      onSubmit={() => void submit({ message }).then((r) => r && onDone(r))}
    >
      <Field id={`${id}-m`} label={t.actions.urgeMessage} error={fieldErrors.message}>
        <textarea id={`${id}-m`} required value={message} onChange={(e) => setMessage(e.target.value)} />
      </Field>
    </ActionForm>
  );
}
