import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, ApiError, get, ITEM_KINDS, type ItemKind, type Template, type User } from '../api';
import { Field, FormError, useSubmit } from '../components/ui';
import { localInputToIso } from '../format';
import { useI18n } from '../i18n';
import { useDepartmentName, useSession } from '../session';

interface LaunchBody {
  kind: ItemKind;
  title: string;
  description?: string;
  source?: string;
  issuedBy?: string;
  dueAt?: string;
  dueInWorkingDays?: number;
  public: boolean;
  tasks: { departmentId: string; role: 'lead' | 'assist' }[];
}

/** POST /api/items: supervisors and leaders launch an item and split it into department tasks. */
export function LaunchPage() {
  const { t, lang } = useI18n();
  const { user, departments } = useSession();
  const deptName = useDepartmentName();
  const navigate = useNavigate();

  const [kind, setKind] = useState<ItemKind>('leadership_instruction');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [source, setSource] = useState('');
  const [issuedBy, setIssuedBy] = useState('');
  const [mode, setMode] = useState<'date' | 'days'>('days');
  const [dueAt, setDueAt] = useState('');
  const [days, setDays] = useState('10');
  const [lead, setLead] = useState('');
  const [assist, setAssist] = useState<string[]>([]);
  const [isPublic, setIsPublic] = useState(false);

  // Leaders to pick the issuer from; should the list fail to load, a text field takes a user id.
  const [leaders, setLeaders] = useState<Pick<User, 'id' | 'displayName'>[] | null>(null);
  useEffect(() => {
    get<{ items: Pick<User, 'id' | 'displayName'>[] }>('/api/leaders')
      .then((page) => setLeaders(page.items))
      .catch((e: unknown) => {
        if (!(e instanceof ApiError)) return;
        setLeaders(null);
      });
  }, []);

  // The kind's template proposes the deadline.
  useEffect(() => {
    get<Template>(`/api/templates/${kind}`)
      .then((tpl) => {
        const d = tpl.defaultDeadline;
        if ('workingDays' in d && d.workingDays > 0) {
          setMode('days');
          setDays(String(d.workingDays));
        } else if ('duration' in d) {
          const m = /^P(\d+)D$/.exec(d.duration);
          if (m) {
            const at = new Date(Date.now() + Number(m[1]) * 86_400_000);
            at.setHours(18, 0, 0, 0);
            const pad = (n: number) => String(n).padStart(2, '0');
            setMode('date');
            setDueAt(`${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T18:00`);
          }
        }
      })
      .catch(() => {});
  }, [kind]);

  const send = useCallback((body: LaunchBody, key: string) => api<{ id: string; code: string }>('POST', '/api/items', { body, idempotencyKey: key }), []);
  const { submit, pending, error, fieldErrors } = useSubmit(send);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const body: LaunchBody = {
      kind,
      title: title.trim(),
      ...(description.trim() ? { description } : {}),
      ...(source.trim() ? { source: source.trim() } : {}),
      ...(issuedBy.trim() ? { issuedBy: issuedBy.trim() } : {}),
      ...(mode === 'date' ? { dueAt: localInputToIso(dueAt) } : { dueInWorkingDays: Number(days) }),
      public: isPublic,
      tasks: [...(lead ? [{ departmentId: lead, role: 'lead' as const }] : []), ...assist.filter((d) => d !== lead).map((departmentId) => ({ departmentId, role: 'assist' as const }))],
    };
    const answer = await submit(body);
    if (answer) void navigate(`/items/${answer.id}`);
  }

  const taskError = Object.entries(fieldErrors).find(([k]) => k.startsWith('tasks'))?.[1];
  const canSelfIssue = user.role === 'leader';

  return (
    <div className="page narrow">
      <h2>{t.launch.title}</h2>
      <form className="card launch-form" onSubmit={(e) => void onSubmit(e)} aria-label={t.launch.title}>
        <Field id="l-kind" label={t.launch.kind} error={fieldErrors.kind}>
          <select id="l-kind" value={kind} onChange={(e) => setKind(e.target.value as ItemKind)}>
            {ITEM_KINDS.map((k) => (
              <option key={k} value={k}>
                {t.kinds[k]}
              </option>
            ))}
          </select>
        </Field>
        <Field id="l-title" label={t.launch.itemTitle} error={fieldErrors.title}>
          <input id="l-title" required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <Field id="l-desc" label={t.launch.description} error={fieldErrors.description}>
          <textarea id="l-desc" rows={5} value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <Field id="l-source" label={t.launch.source} error={fieldErrors.source}>
          <input id="l-source" maxLength={500} value={source} onChange={(e) => setSource(e.target.value)} />
        </Field>
        {leaders ? (
          <Field id="l-issuer" label={t.launch.issuedBy} error={fieldErrors.issuedBy}>
            <select id="l-issuer" required={!canSelfIssue} value={issuedBy} onChange={(e) => setIssuedBy(e.target.value)}>
              <option value="">{canSelfIssue ? t.launch.issuedBySelf : t.launch.chooseLeader}</option>
              {leaders.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.displayName}
                </option>
              ))}
            </select>
          </Field>
        ) : (
          <Field id="l-issuer" label={t.launch.issuedById} error={fieldErrors.issuedBy} hint={canSelfIssue ? t.launch.issuedByHintLeader : t.launch.issuedByHint}>
            <input
              id="l-issuer"
              required={!canSelfIssue}
              pattern="[0-9a-fA-F\-]{36}"
              placeholder="xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
              value={issuedBy}
              onChange={(e) => setIssuedBy(e.target.value)}
            />
          </Field>
        )}
        <fieldset className="field">
          <legend>{t.launch.deadline}</legend>
          <div className="radios">
            <label>
              <input type="radio" name="l-mode" checked={mode === 'days'} onChange={() => setMode('days')} /> {t.launch.byWorkingDays}
            </label>
            <label>
              <input type="radio" name="l-mode" checked={mode === 'date'} onChange={() => setMode('date')} /> {t.launch.byDate}
            </label>
          </div>
          {mode === 'days' ? (
            <Field id="l-days" label={t.launch.workingDays} error={fieldErrors.dueInWorkingDays}>
              <input id="l-days" type="number" min={1} max={3650} required value={days} onChange={(e) => setDays(e.target.value)} />
            </Field>
          ) : (
            <Field id="l-due" label={t.launch.dueAt} error={fieldErrors.dueAt}>
              <input id="l-due" type="datetime-local" required value={dueAt} onChange={(e) => setDueAt(e.target.value)} />
            </Field>
          )}
        </fieldset>
        <Field id="l-lead" label={t.launch.lead} error={taskError}>
          <select id="l-lead" required value={lead} onChange={(e) => setLead(e.target.value)}>
            <option value="">{t.launch.choose}</option>
            {departments.map((d) => (
              <option key={d.id} value={d.id}>
                {deptName(d.id, lang)}
              </option>
            ))}
          </select>
        </Field>
        <fieldset className="field">
          <legend>{t.launch.assist}</legend>
          <div className="checks">
            {departments
              .filter((d) => d.id !== lead)
              .map((d) => (
                <label key={d.id}>
                  <input
                    type="checkbox"
                    checked={assist.includes(d.id)}
                    onChange={(e) => setAssist((old) => (e.target.checked ? [...old, d.id] : old.filter((x) => x !== d.id)))}
                  />{' '}
                  {deptName(d.id, lang)}
                </label>
              ))}
          </div>
        </fieldset>
        <div className="field checkbox">
          <label>
            <input type="checkbox" checked={isPublic} onChange={(e) => setIsPublic(e.target.checked)} /> {t.launch.isPublic}
          </label>
        </div>
        <FormError error={error} fieldErrors={fieldErrors} shown={['kind', 'title', 'description', 'source', 'issuedBy', 'dueAt', 'dueInWorkingDays', ...Object.keys(fieldErrors).filter((k) => k.startsWith('tasks'))]} />
        <div className="buttons">
          <button type="submit" className="primary" disabled={pending}>
            {pending ? t.common.submitting : t.launch.submit}
          </button>
        </div>
      </form>
    </div>
  );
}
