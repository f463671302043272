/**
 * A running API over real HTTP, with an in-process worker on the same (unique) task queue, and
 * helpers to create departments and users of one test and log them in. Reusable by any API test:
 *
 *   const h = await startApiHarness();
 *   const dept = await h.createDepartment('finance');
 *   const staff = await h.createUser('department', dept.id);
 *   const res = await staff.post('/api/tasks/…/sign', {});
 *   await h.close();
 */
import { hash } from 'argon2';
import { buildApp } from '../../api/app';
import { createApiDeps, type ApiDeps } from '../../api/deps';
import type { Config } from '../../config/env';
import { departments, users, type Role } from '../../db/schema/org';
import { testConfig, uniqueName } from './services';
import { startTestWorker } from './temporal';

// Test answers are read loosely (`body.tasks[0].id`); a precise type per route would add nothing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface HttpAnswer<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

export interface LoggedIn {
  id: string;
  username: string;
  role: Role;
  departmentId: string | null;
  token: string;
  get<T = Json>(path: string): Promise<HttpAnswer<T>>;
  post<T = Json>(path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpAnswer<T>>;
  /** Any method (PUT, PATCH…) with a JSON body. */
  request<T = Json>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpAnswer<T>>;
}

export interface ApiHarness {
  config: Config;
  deps: ApiDeps;
  baseUrl: string;
  /** Unauthenticated request. */
  request<T = Json>(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string> }): Promise<HttpAnswer<T>>;
  createDepartment(label?: string): Promise<{ id: string; name: string }>;
  createUser(role: Role, departmentId?: string | null, label?: string): Promise<LoggedIn>;
  close(): Promise<void>;
}

// argon2 is slow on purpose; one hash serves every test user (each has its own username).
const PASSWORD = 'harness-password-123';
let passwordHash: Promise<string> | null = null;

export async function startApiHarness(options: { worker?: boolean; config?: Config } = {}): Promise<ApiHarness> {
  const config = options.config ?? testConfig();
  const deps = await createApiDeps(config);
  const worker = options.worker === false ? null : await startTestWorker(config, { config, db: deps.database.db, queues: deps.queues });
  const app = await buildApp(deps, { logger: false });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });

  async function request<T>(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<HttpAnswer<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: body as T, headers: response.headers };
  }

  async function createDepartment(label = 'dept') {
    const name = uniqueName(label);
    const [row] = await deps.database.db.insert(departments).values({ name, nameEn: name }).returning({ id: departments.id, name: departments.name });
    return row!;
  }

  async function createUser(role: Role, departmentId: string | null = null, label: string = role): Promise<LoggedIn> {
    passwordHash ??= hash(PASSWORD);
    const username = uniqueName(label);
    const [row] = await deps.database.db
      .insert(users)
      .values({ username, displayName: `${label} ${username.slice(-4)}`, role, departmentId, passwordHash: await passwordHash })
      .returning({ id: users.id });
    const login = await request<{ token: string }>('POST', '/api/auth/login', { body: { username, password: PASSWORD } });
    if (login.status !== 200) throw new Error(`login of ${username} failed: ${login.status} ${JSON.stringify(login.body)}`);
    const token = login.body.token;
    const auth = { authorization: `Bearer ${token}` };
    return {
      id: row!.id,
      username,
      role,
      departmentId,
      token,
      get: (path) => request('GET', path, { headers: auth }),
      post: (path, body = {}, headers = {}) => request('POST', path, { body, headers: { ...auth, ...headers } }),
      request: (method, path, body, headers = {}) => request(method, path, { body, headers: { ...auth, ...headers } }),
    };
  }

  return {
    config,
    deps,
    baseUrl,
    request,
    createDepartment,
    createUser,
    async close() {
      await app.close();
      await worker?.shutdown();
      await deps.close();
    },
  };
}
