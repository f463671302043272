import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, type DepartmentChannels, type NotificationPreferences } from '../api';
import { ErrorBox, Field, FormError, Loading, useResource, useSubmit } from '../components/ui';
import { useI18n } from '../i18n';
import { useDepartmentName, useSession } from '../session';

type QuietHours = Pick<NotificationPreferences, 'timeZone' | 'quietStart' | 'quietEnd' | 'digestTime'>;

/**
 * Who hears what, and when: every user's own channel and quiet hours
 * (PUT /api/me/notification-preferences) and, for admins, each department's e-mail and group robots
 * (PUT /api/departments/:id/notification-channels).
 */
export function NotificationSettingsPage() {
  const { t } = useI18n();
  const { user } = useSession();
  return (
    <div className="page narrow">
      <h2>{t.notifySettings.title}</h2>
      <MyPreferences />
      {user.role === 'admin' && <DepartmentChannelsForm />}
    </div>
  );
}

function MyPreferences() {
  const { t } = useI18n();
  const { data, error, loading, reload } = useResource<NotificationPreferences>('/api/me/notification-preferences');
  const send = useCallback(
    (body: NotificationPreferences, key: string) =>
      api<NotificationPreferences>('PUT', '/api/me/notification-preferences', { body, idempotencyKey: key }),
    [],
  );
  const { form, change, save, saved, pending, saveError, fieldErrors } = useSettingsForm(data, send);

  if (error) return <ErrorBox error={error} onRetry={reload} />;
  if (loading || !form) return <Loading />;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void save({ ...form, email: form.email?.trim() || null });
  };

  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="my-notify-title" data-form="my-notifications">
      <h3 id="my-notify-title">{t.notifySettings.mine}</h3>
      <p className="hint">{t.notifySettings.mineHint}</p>
      <Field id="np-language" label={t.notifySettings.language} error={fieldErrors.language}>
        <select id="np-language" value={form.language} onChange={(e) => change({ language: e.target.value as 'zh' | 'en' })}>
          <option value="zh">{t.notifySettings.languages.zh}</option>
          <option value="en">{t.notifySettings.languages.en}</option>
        </select>
      </Field>
      <Field id="np-email" label={t.notifySettings.email} error={fieldErrors.email}>
        <input
          id="np-email"
          type="email"
          autoComplete="email"
          value={form.email ?? ''}
          onChange={(e) => change({ email: e.target.value })}
        />
      </Field>
      <Checkbox id="np-email-enabled" checked={form.emailEnabled} onChange={(emailEnabled) => change({ emailEnabled })}>
        {t.notifySettings.emailEnabled}
      </Checkbox>
      <QuietHoursFields idPrefix="np" value={form} onChange={change} fieldErrors={fieldErrors} />
      <FormError
        error={saveError}
        fieldErrors={fieldErrors}
        shown={['language', 'email', 'timeZone', 'quietStart', 'quietEnd', 'digestTime']}
      />
      {saved && <p className="success">{t.notifySettings.saved}</p>}
      <button type="submit" className="primary" disabled={pending}>
        {pending ? t.common.submitting : t.common.save}
      </button>
    </form>
  );
}

function DepartmentChannelsForm() {
  const { t, lang } = useI18n();
  const { departments } = useSession();
  const nameOf = useDepartmentName();
  const [picked, setDepartmentId] = useState('');
  // The departments arrive after the page: until one is picked, the first is shown.
  const departmentId = picked || departments[0]?.id || '';
  const { data, error, loading, reload } = useResource<DepartmentChannels>(
    departmentId ? `/api/departments/${departmentId}/notification-channels` : null,
  );
  const send = useCallback(
    ({ webhooks: _shown, departmentId: id, ...body }: DepartmentChannels, key: string) =>
      api<DepartmentChannels>('PUT', `/api/departments/${id}/notification-channels`, { body, idempotencyKey: key }),
    [],
  );
  const { form, change, save, saved, pending, saveError, fieldErrors } = useSettingsForm(data, send);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (form) void save(form);
  };

  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="dept-notify-title" data-form="department-channels">
      <h3 id="dept-notify-title">{t.notifySettings.department}</h3>
      <p className="hint">{t.notifySettings.departmentHint}</p>
      <Field id="dc-department" label={t.notifySettings.pickDepartment}>
        <select id="dc-department" value={departmentId} onChange={(e) => setDepartmentId(e.target.value)}>
          {departments.map((d) => (
            <option key={d.id} value={d.id}>
              {nameOf(d.id, lang)}
            </option>
          ))}
        </select>
      </Field>
      <ErrorBox error={error} onRetry={reload} />
      {loading && <Loading />}
      {form && !loading && (
        <>
          <Checkbox id="dc-email" checked={form.emailEnabled} onChange={(emailEnabled) => change({ emailEnabled })}>
            {t.notifySettings.deptEmail}
          </Checkbox>
          <Checkbox id="dc-webhooks" checked={form.webhooksEnabled} onChange={(webhooksEnabled) => change({ webhooksEnabled })}>
            {t.notifySettings.deptWebhooks}
          </Checkbox>
          <QuietHoursFields idPrefix="dc" value={form} onChange={change} fieldErrors={fieldErrors} />
          <h4>{t.notifySettings.webhooks}</h4>
          {form.webhooks.length === 0 ? (
            <p className="empty">{t.notifySettings.noWebhooks}</p>
          ) : (
            <ul className="webhooks">
              {form.webhooks.map((w) => (
                <li key={w.id} data-webhook-id={w.id}>
                  <strong>{t.notifySettings.robotKinds[w.kind]}</strong> <span className="muted">{w.url}</span> ·{' '}
                  {w.enabled ? t.notifySettings.enabled : t.notifySettings.disabled}
                  {w.hasSecret && <> · {t.notifySettings.signed}</>}
                </li>
              ))}
            </ul>
          )}
          <FormError error={saveError} fieldErrors={fieldErrors} shown={['timeZone', 'quietStart', 'quietEnd', 'digestTime']} />
          {saved && <p className="success">{t.notifySettings.saved}</p>}
          <button type="submit" className="primary" disabled={pending}>
            {pending ? t.common.submitting : t.common.save}
          </button>
        </>
      )}
    </form>
  );
}

/**
 * A settings form over a loaded resource: edits stay local until saved; the saved answer becomes the
 * form again (and "saved" shows) until the next edit; loading another resource resets it.
 */
function useSettingsForm<T extends object>(loaded: T | null, send: (body: T, idempotencyKey: string) => Promise<T>) {
  const [form, setForm] = useState<T | null>(loaded);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    setForm(loaded);
    setSaved(false);
  }, [loaded]);
  const { submit, pending, error: saveError, fieldErrors } = useSubmit(send);
  const change = (patch: Partial<T>) => {
    setSaved(false);
    setForm((current) => (current ? { ...current, ...patch } : current));
  };
  const save = async (body: T) => {
    const answer = await submit(body);
    if (answer) {
      setForm(answer);
      setSaved(true);
    }
  };
  return { form, change, save, saved, pending, saveError, fieldErrors };
}

/** Time zone, quiet hours and digest time: the same four fields for a user and for a department. */
function QuietHoursFields({
  idPrefix,
  value,
  onChange,
  fieldErrors,
}: {
  idPrefix: string;
  value: QuietHours;
  onChange: (patch: Partial<QuietHours>) => void;
  fieldErrors: Record<string, string>;
}) {
  const { t } = useI18n();
  const timeField = (name: 'quietStart' | 'quietEnd' | 'digestTime') => (
    <Field
      id={`${idPrefix}-${name}`}
      label={t.notifySettings[name]}
      error={fieldErrors[name]}
      hint={value[name] ? undefined : t.notifySettings.none}
    >
      <input
        id={`${idPrefix}-${name}`}
        type="time"
        value={value[name] ?? ''}
        onChange={(e) => onChange({ [name]: e.target.value || null })}
      />
    </Field>
  );
  return (
    <>
      <Field id={`${idPrefix}-timeZone`} label={t.notifySettings.timeZone} error={fieldErrors.timeZone}>
        <input id={`${idPrefix}-timeZone`} value={value.timeZone} onChange={(e) => onChange({ timeZone: e.target.value })} />
      </Field>
      {timeField('quietStart')}
      {timeField('quietEnd')}
      {timeField('digestTime')}
    </>
  );
}

function Checkbox({
  id,
  checked,
  onChange,
  children,
}: {
  id: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label className="inline" htmlFor={id}>
        <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} /> {children}
      </label>
    </div>
  );
}
