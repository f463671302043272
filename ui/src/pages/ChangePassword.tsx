import { useCallback, useState, type FormEvent } from 'react';
import { api } from '../api';
import { Field, FormError, useSubmit } from '../components/ui';
import { useI18n } from '../i18n';

/** POST /api/me/password; forced (nothing else reachable) while /api/me says mustChangePassword. */
export function ChangePasswordPage({ forced, onChanged }: { forced: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const send = useCallback(
    (body: { current: string; next: string }, key: string) => api<null>('POST', '/api/me/password', { body, idempotencyKey: key }),
    [],
  );
  const { submit, pending, error, fieldErrors } = useSubmit(send);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (next !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    const ok = await submit({ current, next });
    if (ok !== undefined) {
      setDone(true);
      setCurrent('');
      setNext('');
      setConfirm('');
      onChanged();
    }
  }

  return (
    <div className="page narrow">
      <form className="card" onSubmit={(e) => void onSubmit(e)} aria-labelledby="pw-title">
        <h2 id="pw-title">{t.auth.changePassword}</h2>
        {forced && <p className="notice">{t.auth.mustChange}</p>}
        <Field id="pw-current" label={t.auth.current} error={fieldErrors.current}>
          <input id="pw-current" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        </Field>
        <Field id="pw-next" label={t.auth.next} error={fieldErrors.next}>
          <input id="pw-next" type="password" autoComplete="new-password" required value={next} onChange={(e) => setNext(e.target.value)} />
        </Field>
        <Field id="pw-confirm" label={t.auth.confirm} error={mismatch ? t.auth.mismatch : undefined}>
          <input id="pw-confirm" type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />
        </Field>
        <FormError error={error} fieldErrors={fieldErrors} shown={['current', 'next']} />
        {done && !forced && <p className="success">{t.auth.changed}</p>}
        <button type="submit" className="primary" disabled={pending}>
          {pending ? t.common.submitting : t.common.save}
        </button>
      </form>
    </div>
  );
}
