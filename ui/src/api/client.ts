/**
 * The one way the UI talks to the platform: JSON over fetch with the session cookie, the CSRF
 * header on writes (the API wants it for cookie sessions) and an Idempotency-Key per submission.
 */

export interface FieldProblem {
  field: string;
  message: string;
  /** The same in Chinese (schema problems carry it). */
  messageZh?: string;
}

/** An answer of the shape `{error: {code, message, details?}}`, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** The whole answer's words in the user's language (business rules carry `details.messageZh`). */
  localized(lang: string): string {
    const zh = (this.details as { messageZh?: unknown } | undefined)?.messageZh;
    return lang.startsWith('zh') && typeof zh === 'string' ? zh : this.message;
  }

  /** Field-level problems keyed by the form field's path (`body.` and `querystring.` dropped), e.g. `tasks.0.dueAt`. */
  fieldErrors(lang?: string): Record<string, string> {
    const out: Record<string, string> = {};
    const details = this.details as { fields?: unknown; messageZh?: unknown } | undefined;
    const fields = details?.fields;
    if (!Array.isArray(fields)) return out;
    const zhWanted = lang?.startsWith('zh') ?? false;
    // A business rule's refusal names one field and carries its words in Chinese too.
    const zh = zhWanted && fields.length === 1 && typeof details?.messageZh === 'string' ? details.messageZh : null;
    for (const f of fields as FieldProblem[]) {
      if (typeof f?.field !== 'string') continue;
      const name = f.field.replace(/^(body|querystring|query|params|headers)\.?/, '') || '_';
      const ownZh = zhWanted && typeof f.messageZh === 'string' ? f.messageZh : null;
      out[name] ??= zh ?? ownZh ?? String(f.message ?? '');
    }
    return out;
  }
}

let csrfToken: string | null = null;
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

/** Called when any request answers 401 (session ended elsewhere): the app shows the sign-in page. */
let onUnauthenticated: (() => void) | null = null;
export function setOnUnauthenticated(fn: (() => void) | null) {
  onUnauthenticated = fn;
}

/** Called when the API holds the user to changing an admin-set password first (403 password_change_required). */
let onPasswordChangeRequired: (() => void) | null = null;
export function setOnPasswordChangeRequired(fn: (() => void) | null) {
  onPasswordChangeRequired = fn;
}

export interface RequestOptions {
  body?: unknown;
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Do not report a 401 to the app (sign-in and the first /api/me). */
  quiet401?: boolean;
}

export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // A FormData body (an upload) goes as multipart; fetch writes its content type and boundary.
  const form = options.body instanceof FormData;
  if (options.body !== undefined && !form) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : form ? (options.body as FormData) : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network', (error as Error).message);
  }
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (!response.ok) {
    const err = (data as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    if (response.status === 401 && !options.quiet401) onUnauthenticated?.();
    if (response.status === 403 && err?.code === 'password_change_required') onPasswordChangeRequired?.();
    throw new ApiError(response.status, err?.code ?? `http_${response.status}`, err?.message ?? response.statusText, err?.details);
  }
  return data as T;
}

export const get = <T>(path: string, signal?: AbortSignal) => api<T>('GET', path, { signal });

/** Query string from an object, leaving out empty values. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
}

export function newKey(): string {
  return crypto.randomUUID();
}
