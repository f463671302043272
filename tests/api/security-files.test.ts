/**
 * Issue 20, security review: path traversal on downloads and attachments, and oversized bodies.
 * - An upload's name never becomes a path: a name with ../, encoded %2e%2e, an absolute path or a NUL
 *   is stored under the attachment's own id inside DATA_DIR, and offered back without its path.
 * - Download routes take only ids: ../, %2e%2e, absolute paths and NUL in the id answer 400/404.
 * - The UI's static files answer nothing outside their folder, however the path is written.
 * - An oversized JSON body or upload answers 413 with a message saying the limit, and stores nothing.
 */
import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { launchBody } from '../support/item-fixtures';
import { testConfig } from '../support/services';

const MAX_FILE = 32 * 1024;
let h: ApiHarness;
let dataDir: string;
let staff: LoggedIn;
let supervisor: LoggedIn;
let taskId: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sv-security-files-'));
  h = await startApiHarness({ config: testConfig({ DATA_DIR: dataDir, ATTACHMENT_MAX_FILE_BYTES: String(MAX_FILE) }) });
  const dept = await h.createDepartment('路径局');
  [staff, supervisor] = await Promise.all([h.createUser('department', dept.id), h.createUser('supervisor')]);
  const leader = await h.createUser('leader');
  const launched = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: dept.id, role: 'lead' }]));
  expect(launched.status).toBe(201);
  taskId = launched.body.tasks[0].id;
}, 120_000);
afterAll(async () => {
  await h?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function storedFiles(): Promise<string[]> {
  const entries = await readdir(dataDir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
}

/** A multipart upload whose file name is written raw into the part header (as an attacker's client would). */
function rawUpload(fileName: string, bytes: Buffer): Promise<{ status: number; body: Record<string, unknown> }> {
  const boundary = `----security${Date.now()}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: text/plain\r\n\r\n`, 'utf8');
  const body = Buffer.concat([head, bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const url = new URL(`${h.baseUrl}/api/attachments?taskId=${taskId}`);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', headers: { authorization: `Bearer ${staff.token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A GET whose path goes on the wire exactly as written (fetch would normalise ../ away). */
function rawGet(path: string, token?: string): Promise<{ status: number; text: string }> {
  const url = new URL(h.baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET', headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('path traversal', () => {
  it.each([
    ['../../../../etc/passwd.txt', 'passwd.txt'],
    ['..\\..\\windows\\win.ini.txt', 'win.ini.txt'],
    ['%2e%2e%2f%2e%2e%2fescape.txt', '%2e%2e%2f%2e%2e%2fescape.txt'],
    ['/etc/cron.d/evil.txt', 'evil.txt'],
    ['note\u0000.txt', 'note.txt'],
  ])('stores an upload named %j under its own id inside DATA_DIR, offered back as %j', async (name, offered) => {
    const before = await storedFiles();
    const bytes = Buffer.from(`证据 ${Math.random()}`);
    const up = await rawUpload(name, bytes);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body.name).toBe(offered);
    const added = (await storedFiles()).filter((f) => !before.includes(f));
    expect(added).toEqual([join(dataDir, 'attachments', String(up.body.id).slice(0, 2), String(up.body.id))]);
    const got = await fetch(`${h.baseUrl}/api/attachments/${String(up.body.id)}`, { headers: { authorization: `Bearer ${staff.token}` } });
    expect(got.status).toBe(200);
    const disposition = got.headers.get('content-disposition') ?? '';
    expect(disposition).not.toMatch(/\.\.[/\\]|filename="\//);
    expect(Buffer.from(await got.arrayBuffer())).toEqual(bytes);
  });

  it('does not follow a symlink planted where an attachment’s file should be (pointing out of DATA_DIR)', async () => {
    const up = await rawUpload('real.txt', Buffer.from('真实内容'));
    expect(up.status).toBe(201);
    const outside = join(await mkdtemp(join(tmpdir(), 'sv-outside-')), 'secret.txt');
    await writeFile(outside, 'outside-secret-7f3a');
    const stored = join(dataDir, 'attachments', String(up.body.id).slice(0, 2), String(up.body.id));
    await rm(stored);
    await symlink(outside, stored);
    const got = await rawGet(`/api/attachments/${String(up.body.id)}`, staff.token);
    expect(got.status).not.toBe(200);
    expect(got.text).not.toContain('outside-secret-7f3a');
    await rm(dirname(outside), { recursive: true, force: true });
  });

  it.each([
    '/api/attachments/../../../../etc/passwd',
    '/api/attachments/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/api/attachments/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/api/attachments/%2fetc%2fpasswd',
    '/api/attachments/abc%00def',
    '/api/exports/..%2f..%2fetc%2fpasswd/file',
    '/api/exports/%2e%2e/file',
    '/api/exports/%00/file',
  ])('answers GET %s with 400 or 404, never a file', async (path) => {
    const answer = await rawGet(path, supervisor.token);
    expect([400, 404]).toContain(answer.status);
    expect(answer.text).not.toMatch(/root:|\[fonts\]/);
  });

  it.each(['/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e%2f%2e%2e%2fpackage.json', '/assets/..%2f..%2f..%2fpackage.json', '//etc/passwd', '/index.html%00.js'])(
    'serves nothing outside the UI folder for %s',
    async (path) => {
      const answer = await rawGet(path);
      expect(answer.status).toBeLessThan(500);
      expect(answer.text).not.toMatch(/root:x:0:0|"supervision-platform"/);
    },
  );
});

describe('oversized bodies and uploads', () => {
  it('answers a JSON body over 1 MiB on an authenticated write with 413 and a message naming the limit; nothing is launched', async () => {
    const title = `超大请求-${Math.random().toString(36).slice(2, 8)}`;
    const body = { ...launchBody(supervisor.id, []), title, description: 'x'.repeat(1_200_000) };
    const answer = await supervisor.post('/api/items', body);
    expect(answer.status).toBe(413);
    expect(answer.body.error).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('1024 KiB'), details: { messageZh: expect.stringContaining('1024 KiB') } });
    expect((await supervisor.get(`/api/items?q=${encodeURIComponent(title)}`)).body.total).toBe(0);
  });

  it('answers an upload over the per-file limit with 413 naming the limit, and stores nothing', async () => {
    const before = await storedFiles();
    const up = await rawUpload('big.txt', Buffer.alloc(MAX_FILE + 1024, 'a'));
    expect(up.status).toBe(413);
    expect((up.body.error as { details: { fields: { message: string; messageZh: string }[] } }).details.fields[0]).toMatchObject({ message: expect.stringContaining('32 KiB'), messageZh: expect.stringContaining('32 KiB') });
    expect(await storedFiles()).toEqual(before);
  });

  it('answers a multipart body far past the limit (10 MB) with 413 and stores nothing', async () => {
    const before = await storedFiles();
    const up = await rawUpload('huge.txt', Buffer.alloc(10 * 1024 * 1024, 'b'));
    expect(up.status).toBe(413);
    expect(await storedFiles()).toEqual(before);
  });
});
