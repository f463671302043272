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

  /** Field-level problems keyed by the form field's name (`body.` and `querystring.` dropped). */
  fieldErrors(lang?: string): Record<string, string> {
    const out: Record<string, string> = {};
    const details = this.details as { fields?: unknown; messageZh?: unknown } | undefined;
    const fields = details?.fields;
    if (!Array.isArray(fields)) return out;
    // A business rule's refusal names one field and carries its words in Chinese too.
    const zh = lang === 'zh' && fields.length === 1 && typeof details?.messageZh === 'string' ? details.messageZh : null;
    for (const f of fields as FieldProblem[]) {
      if (typeof f?.field !== 'string') continue;
      const name = f.field.replace(/^(body|querystring|params|headers)\.?/, '') || '_';
      const ownZh = lang === 'zh' && typeof f.messageZh === 'string' ? f.messageZh : null;
      out[name] ??= zh ?? ownZh ?? String(f.message ?? '');
    }
    return out;
  }
}

let csrfToken: string | null = null;
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

/** Called when any request answers 401 (session ended elsewhere): the app shows the login page. */
let onUnauthenticated: (() => void) | null = null;
export function setOnUnauthenticated(fn: (() => void) | null) {
  onUnauthenticated = fn;
}

export interface RequestOptions {
  body?: unknown;
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Do not report a 401 to the app (login and the first /api/me). */
  quiet401?: boolean;
}

export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
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
    throw new ApiError(response.status, err?.code ?? `http_${response.status}`, err?.message ?? response.statusText, err?.details);
  }
  return data as T;
}

export const get = <T>(path: string, signal?: AbortSignal) => api<T>('GET', path, { signal });

/** Query string from an object, leaving out empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
}

// ---- Shapes (per shared/API.md and the routes' schemas) ----

export type Role = 'admin' | 'supervisor' | 'leader' | 'department' | 'auditor';
export type Light = 'green' | 'yellow' | 'red';
export type ItemKind = 'meeting_resolution' | 'leadership_instruction' | 'approval_document' | 'routine';
export type ItemStatus = 'launched' | 'in_progress' | 'completed' | 'archived' | 'cancelled';
export type TaskStatus = 'assigned' | 'signed' | 'in_progress' | 'submitted' | 'accepted' | 'transferred' | 'cancelled';
export type Outcome = 'on_time' | 'overdue' | 'postponed' | null;

export const ITEM_KINDS: ItemKind[] = ['meeting_resolution', 'leadership_instruction', 'approval_document', 'routine'];
export const ITEM_STATUSES: ItemStatus[] = ['launched', 'in_progress', 'completed', 'archived', 'cancelled'];
export const LIGHTS: Light[] = ['green', 'yellow', 'red'];

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentId: string | null;
  mustChangePassword: boolean;
}

export interface Session {
  user: User;
  csrfToken: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface Department {
  id: string;
  name: string;
  nameEn: string | null;
  parentId: string | null;
}

export interface Bilingual {
  code: string | null;
  en: string;
  zh: string | null;
}

export interface Task {
  id: string;
  itemId: string;
  departmentId: string;
  role: 'lead' | 'assist';
  status: TaskStatus;
  light: Light;
  lightReason?: Bilingual | null;
  signDueAt: string;
  warnAt: string;
  dueAt: string;
  originalDueAt: string;
  outcome: Outcome;
  redEver: boolean;
  lastReportAt: string | null;
  percent?: number | null;
  postponed?: boolean;
  signedAt?: string | null;
  submittedAt?: string | null;
  acceptedAt?: string | null;
  pendingExtension?: { reason: string; newDueAt: string; requestedAt: string } | null;
  pendingTransfer?: { reason: string; suggestedDepartmentId: string | null; requestedAt: string } | null;
  transferredTo?: string | null;
  urgeCount?: number;
  returnCount?: number;
  version?: number;
}

export interface ItemSummary {
  id: string;
  code: string;
  kind: ItemKind;
  title: string;
  status: ItemStatus;
  light: Light;
  issuedBy: string;
  dueAt: string;
  public: boolean;
  createdAt: string;
  completedAt: string | null;
  departmentIds: string[];
}

export interface TimelineEntry {
  id: string;
  taskId: string | null;
  type: string;
  at: string;
  actor: { userId: string; name: string; role: string; departmentId: string | null };
  reason: Bilingual | null;
  data: unknown;
}

export interface ItemDetail extends Omit<ItemSummary, 'departmentIds'> {
  description: string;
  source: string;
  workflowId: string;
  cancelledAt: string | null;
  redEver: boolean;
  tasks: Task[];
  timeline: TimelineEntry[];
}

export interface Template {
  kind: ItemKind;
  completionFields: Record<string, unknown>;
  defaultDeadline: { duration: string } | { workingDays: number };
}

export interface InboxItem {
  id: string;
  event: string;
  urgent: boolean;
  itemId: string;
  taskId: string | null;
  subject: string;
  body: string;
  occurredAt: string;
  readAt: string | null;
}

export interface DashboardRow {
  departmentId?: string;
  departmentName?: string;
  name?: string;
  total: number;
  completed: number;
  onTime: number;
  overdue: number;
  postponed: number;
  inProgress: number;
  yellow: number;
  red: number;
  onTimeRate: number | null;
}

/** GET/PUT /api/me/notification-preferences. Times of day are "HH:MM" in `timeZone`. */
export interface NotificationPreferences {
  language: 'zh' | 'en';
  email: string | null;
  emailEnabled: boolean;
  timeZone: string;
  quietStart: string | null;
  quietEnd: string | null;
  digestTime: string | null;
}

export interface DepartmentWebhook {
  id: string;
  kind: 'wecom' | 'dingtalk' | 'generic';
  url: string;
  hasSecret: boolean;
  enabled: boolean;
  language: 'zh' | 'en';
}

/** GET/PUT /api/departments/:id/notification-channels (admin). */
export interface DepartmentChannels {
  departmentId: string;
  emailEnabled: boolean;
  webhooksEnabled: boolean;
  timeZone: string;
  quietStart: string | null;
  quietEnd: string | null;
  digestTime: string | null;
  webhooks: DepartmentWebhook[];
}
