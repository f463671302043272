import { useSearchParams } from 'react-router';
/** Small building blocks shared by the pages. */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError, get, ITEM_KINDS, type Light } from '../api';
import { formatDateTime, formatFull, newKey } from '../format';
import { useI18n } from '../i18n';

/** A light as a coloured dot plus words: never colour alone. */
export function LightBadge({ light, short = false }: { light: Light; short?: boolean }) {
  const { t } = useI18n();
  const label = short ? t.lightShort[light] : t.lights[light];
  return (
    <span className={`light light-${light}`} data-light={light} title={t.lights[light]}>
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}

export function Badge({ children, tone = 'neutral' }: { children: ReactNode; tone?: 'neutral' | 'info' | 'good' | 'warn' | 'bad' }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

/** An instant in the user's time zone; the full form (with zone) on hover. */
export function DateTime({ iso }: { iso: string | null | undefined }) {
  const { lang } = useI18n();
  if (!iso) return <span>—</span>;
  return (
    <time dateTime={iso} title={formatFull(iso, lang)}>
      {formatDateTime(iso, lang)}
    </time>
  );
}

/** The message of a failed request, in the user's language where we know better words. */
export function errorMessage(error: unknown, t: ReturnType<typeof useI18n>['t'], lang?: string): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return t.common.networkError;
    const zh = (error.details as { messageZh?: unknown } | undefined)?.messageZh;
    return lang === 'zh' && typeof zh === 'string' ? zh : error.message;
  }
  return String((error as Error)?.message ?? error);
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, lang } = useI18n();
  if (!error) return null;
  return (
    <div className="error-box" role="alert">
      {errorMessage(error, t, lang)}
      {onRetry && (
        <button type="button" className="link" onClick={onRetry}>
          {t.common.retry}
        </button>
      )}
    </div>
  );
}

/** A labelled form field with its own error line (errors come from the API's details.fields). */
export function Field({ label, error, children, hint, id }: { label: ReactNode; error?: string; children: ReactNode; hint?: ReactNode; id: string }) {
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && <div className="hint">{hint}</div>}
      {error && (
        <div className="field-error" id={`${id}-error`} role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return <p className="muted">{t.common.loading}</p>;
}

/** GET a resource, with reload; aborts when the path changes. */
export function useResource<T>(path: string | null) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setLoading(true);
    get<T>(path, controller.signal)
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((e: unknown) => {
        if ((e as Error).name !== 'AbortError') setError(e);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [path, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload, setData };
}

/**
 * A form submission: one Idempotency-Key per submission, reused when the same body is sent again
 * (a retry after a network error or a double click), a fresh one once the body changes or it worked.
 */
export function useSubmit<B, R>(send: (body: B, idempotencyKey: string) => Promise<R>) {
  const last = useRef<{ key: string; body: string } | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const { lang } = useI18n();
  const submit = useCallback(
    async (body: B): Promise<R | undefined> => {
      const json = JSON.stringify(body);
      if (!last.current || last.current.body !== json) last.current = { key: newKey(), body: json };
      setPending(true);
      setError(null);
      setFieldErrors({});
      try {
        const result = await send(body, last.current.key);
        last.current = null;
        return result;
      } catch (e) {
        setError(e);
        if (e instanceof ApiError) setFieldErrors(e.fieldErrors(lang));
        return undefined;
      } finally {
        setPending(false);
      }
    },
    [send, lang],
  );
  const clear = useCallback(() => {
    setError(null);
    setFieldErrors({});
  }, []);
  return { submit, pending, error, fieldErrors, clear };
}

/** The form-level error, unless every problem was shown next to its field. */
export function FormError({ error, fieldErrors, shown }: { error: unknown; fieldErrors: Record<string, string>; shown: string[] }) {
  if (!error) return null;
  const unshown = Object.keys(fieldErrors).filter((k) => !shown.includes(k));
  if (Object.keys(fieldErrors).length > 0 && unshown.length === 0) return null;
  return <ErrorBox error={error} />;
}

/** Paging for a list whose page lives in the URL (`?page=`), so back/forward and links keep it. */
export function Pager({ page, pageSize, total }: { page: number; pageSize: number; total: number }) {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const onPage = (p: number) => {
    const next = new URLSearchParams(params);
    next.set('page', String(p));
    setParams(next);
  };
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav className="pager" aria-label="pagination">
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t.common.prev}
      </button>
      <span>{t.common.pageOf(page, pages, total)}</span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t.common.next}
      </button>
    </nav>
  );
}

/** The options of a kind filter: "all", then the four kinds in the user's language. */
export function KindOptions() {
  const { t } = useI18n();
  return (
    <>
      <option value="">{t.common.all}</option>
      {ITEM_KINDS.map((k) => (
        <option key={k} value={k}>
          {t.kinds[k]}
        </option>
      ))}
    </>
  );
}
