import { useState, type FormEvent } from 'react';
import { api, ApiError, setCsrfToken, type Session } from '../api';
import { PlatformHealth } from '../components/Health';
import { Field } from '../components/ui';
import { useI18n } from '../i18n';

/** The landing page when logged out: the sign-in form and the platform's health. */
export function LoginPage({ onLogin }: { onLogin: (session: Session) => void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const answer = await api<Session>('POST', '/api/auth/login', { body: { username: username.trim(), password }, quiet401: true });
      setCsrfToken(answer.csrfToken);
      // The login answer's user may lack mustChangePassword: /api/me is the word on it.
      const me = await api<Session>('GET', '/api/me', { quiet401: true });
      setCsrfToken(me.csrfToken);
      onLogin(me);
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 400)) setError(t.auth.badCredentials);
      else if (e instanceof ApiError && e.status === 429) setError(t.auth.tooMany);
      else if (e instanceof ApiError && e.status === 0) setError(t.common.networkError);
      else setError((e as Error).message);
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="landing">
      <form className="card login" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h2 id="login-title">{t.auth.loginTitle}</h2>
        <p className="muted">{t.auth.loginHint}</p>
        <Field id="username" label={t.auth.username}>
          <input id="username" name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
        </Field>
        <Field id="password" label={t.auth.password}>
          <input id="password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        {error && (
          <div className="error-box" role="alert">
            {error}
          </div>
        )}
        <button type="submit" className="primary" disabled={pending}>
          {pending ? t.auth.loggingIn : t.auth.login}
        </button>
      </form>
      <PlatformHealth />
    </div>
  );
}
