/**
 * Attachments over real HTTP with the local store under a DATA_DIR of this file's own: upload and
 * download, the type judged from the content (a mismatch with the name or the claimed type is
 * refused), the per-file and per-item size limits, the sha256 in the audit log, and downloads
 * authorised exactly like the task or item the file belongs to.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { launchBody } from '../support/item-fixtures';
import { testConfig } from '../support/services';
import { storedAttachmentFiles } from '../support/attachment-files';
import { fillDisk, mountSmallDisk, unmountSmallDisk } from '../support/small-disk';

const MAX_FILE = 64 * 1024;
const MAX_ITEM = 100 * 1024;

let h: ApiHarness;
let dataDir: string;
let supervisor: LoggedIn;
let leader: LoggedIn;
let staffA: LoggedIn;
let staffB: LoggedIn;
let auditor: LoggedIn;
let outsider: LoggedIn;
let item: { id: string; taskA: string; taskB: string };

/** A real PNG of `width` × 1 grey pixels (incompressible noise makes it as large as asked). */
function png(width = 2, noise = false): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const row = Buffer.alloc(width + 1);
  for (let i = 1; i <= width; i++) row[i] = noise ? Math.floor(Math.random() * 256) : 128;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(row, { level: 0 })), chunk('IEND', Buffer.alloc(0))]);
}

async function upload(user: LoggedIn, bytes: Buffer, name: string, type: string, query = '') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${h.baseUrl}/api/attachments${query}`, { method: 'POST', headers: { authorization: `Bearer ${user.token}` }, body: form });
  return { status: res.status, body: await res.json() };
}

async function download(user: LoggedIn, id: string) {
  const res = await fetch(`${h.baseUrl}/api/attachments/${id}`, { headers: { authorization: `Bearer ${user.token}` } });
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), bytes: Buffer.from(await res.arrayBuffer()) };
}

const storedFiles = () => storedAttachmentFiles(join(dataDir, 'attachments'));

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sv-attachments-'));
  h = await startApiHarness({ config: testConfig({ DATA_DIR: dataDir, ATTACHMENT_MAX_FILE_BYTES: String(MAX_FILE), ATTACHMENT_MAX_ITEM_BYTES: String(MAX_ITEM) }) });
  const [a, b, c] = await Promise.all([h.createDepartment('附件甲局'), h.createDepartment('附件乙局'), h.createDepartment('附件丙局')]);
  [supervisor, leader, staffA, staffB, auditor, outsider] = await Promise.all([
    h.createUser('supervisor'),
    h.createUser('leader'),
    h.createUser('department', a.id, 'staffA'),
    h.createUser('department', b.id, 'staffB'),
    h.createUser('auditor'),
    h.createUser('department', c.id, 'outsider'),
  ]);
  const launched = await supervisor.post(
    '/api/items',
    launchBody(leader.id, [
      { departmentId: a.id, role: 'lead' },
      { departmentId: b.id, role: 'assist' },
    ]),
  );
  expect(launched.status).toBe(201);
  const of = (d: string) => launched.body.tasks.find((t: { departmentId: string }) => t.departmentId === d).id as string;
  item = { id: launched.body.id, taskA: of(a.id), taskB: of(b.id) };
});

afterAll(async () => {
  await h?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('upload and download', () => {
  it('a department’s evidence on its task: stored under DATA_DIR, sha256 answered and audited, downloaded byte for byte', async () => {
    // Noise: bytes of this run's own, so the audit log (kept across runs) has one row with their sha256.
    const bytes = png(16, true);
    const up = await upload(staffA, bytes, '现场照片.png', 'image/png', `?taskId=${item.taskA}`);
    expect(up.status).toBe(201);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(up.body).toMatchObject({ name: '现场照片.png', size: bytes.length, sha256, contentType: 'image/png', itemId: item.id, taskId: item.taskA });
    expect(await readFile(join(dataDir, 'attachments', up.body.id.slice(0, 2), up.body.id))).toEqual(bytes);

    const got = await download(staffA, up.body.id);
    expect(got).toMatchObject({ status: 200, type: 'image/png' });
    expect(got.bytes).toEqual(bytes);
    expect(got.disposition).toContain(`filename*=UTF-8''${encodeURIComponent('现场照片.png')}`);

    const log = await auditor.get(`/api/audit-log?target=sha256:${sha256}`);
    expect(log.body.items).toHaveLength(1);
    expect(log.body.items[0]).toMatchObject({ actorId: staffA.id, action: 'STORE attachment sha256', path: `/api/attachments/${up.body.id}` });
    const post = await auditor.get(`/api/audit-log?action=${encodeURIComponent('POST /api/attachments')}&target=${up.body.id}`);
    expect(post.body.items[0]).toMatchObject({ status: 201, requestId: log.body.items[0].requestId });
  });

  it('is read like its task: the supervisor and auditor may, the department sharing the item and a stranger get 404', async () => {
    const up = await upload(staffA, png(8), 'evidence.png', 'image/png', `?taskId=${item.taskA}`);
    expect((await download(supervisor, up.body.id)).status).toBe(200);
    expect((await download(auditor, up.body.id)).status).toBe(200);
    expect((await download(staffB, up.body.id)).status).toBe(404);
    expect((await download(outsider, up.body.id)).status).toBe(404);
    // The item's list: all of them for the supervisor, none of A's for B, 404 for a stranger.
    const all = (await supervisor.get(`/api/items/${item.id}/attachments`)).body.items.map((a: { id: string }) => a.id);
    expect(all).toContain(up.body.id);
    expect((await staffA.get(`/api/items/${item.id}/attachments`)).body.items.map((a: { id: string }) => a.id)).toContain(up.body.id);
    expect((await staffB.get(`/api/items/${item.id}/attachments`)).body.items).toEqual([]);
    expect((await outsider.get(`/api/items/${item.id}/attachments`)).status).toBe(404);
  });

  it('an item’s own document (a supervisor’s scan) is read by every department on the item; an untied file only by its uploader', async () => {
    const scan = await upload(supervisor, Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'), '批件扫描件.pdf', 'application/pdf', `?itemId=${item.id}`);
    expect(scan.status).toBe(201);
    expect(scan.body.contentType).toBe('application/pdf');
    expect((await download(staffB, scan.body.id)).status).toBe(200);
    expect((await download(outsider, scan.body.id)).status).toBe(404);

    const loose = await upload(leader, png(4), 'draft.png', 'image/png');
    expect(loose.status).toBe(201);
    expect(loose.body.itemId).toBeNull();
    expect((await download(leader, loose.body.id)).status).toBe(200);
    expect((await download(supervisor, loose.body.id)).status).toBe(404);
  });

  it('ties only where the uploader may add: not another department’s task, not a whole item for department staff, not for auditors', async () => {
    expect((await upload(staffB, png(), 'x.png', 'image/png', `?taskId=${item.taskA}`)).status).toBe(404);
    expect((await upload(staffA, png(), 'x.png', 'image/png', `?itemId=${item.id}`)).status).toBe(403);
    expect((await upload(auditor, png(), 'x.png', 'image/png', `?itemId=${item.id}`)).status).toBe(403);
  });
});

describe('the type is judged from the content', () => {
  it('refuses a PNG named .pdf, a PNG claimed as PDF, and a program named .png, with the reason at the field; nothing is stored', async () => {
    const before = await storedFiles();
    const renamed = await upload(staffA, png(), 'report.pdf', 'application/pdf', `?taskId=${item.taskA}`);
    expect(renamed.status).toBe(415);
    expect(renamed.body.error.details.fields[0]).toMatchObject({ field: 'body.file' });
    expect(renamed.body.error.details.messageZh).toContain('不符');
    const claimed = await upload(staffA, png(), 'photo.png', 'application/pdf', `?taskId=${item.taskA}`);
    expect(claimed.status).toBe(415);
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);
    expect((await upload(staffA, elf, 'photo.png', 'image/png', `?taskId=${item.taskA}`)).status).toBe(415);
    const binary = Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe, 0xff, 0x10, 0x00]);
    expect((await upload(staffA, binary, 'notes.txt', 'text/plain', `?taskId=${item.taskA}`)).status).toBe(415);
    expect(await storedFiles()).toEqual(before);
  });

  it('accepts plain UTF-8 text under a text name', async () => {
    const up = await upload(staffA, Buffer.from('整改情况说明\n第一条：已完成。\n'), '说明.txt', 'text/plain', `?taskId=${item.taskA}`);
    expect(up.status).toBe(201);
    expect(up.body.contentType).toBe('text/plain');
    // Text that starts with "G" and has another at byte 188 matches MPEG-TS's signature: still text.
    const note = Buffer.from(`GPS 定位核查。${'-'.repeat(188 - Buffer.byteLength('GPS 定位核查。'))}G 组复查：情况属实，已整改。\n`);
    expect(note[188]).toBe(0x47);
    const weak = await upload(staffA, note, '核查.txt', 'text/plain', `?taskId=${item.taskA}`);
    expect(weak.status, JSON.stringify(weak.body)).toBe(201);
    expect(weak.body.contentType).toBe('text/plain');
    // Text that starts with "BM" matches a bitmap's signature, a type we accept: under a text name it is text.
    const bmw = await upload(staffA, Buffer.from('BMW 4S 店维修记录：已退款。\n'), '车辆投诉.txt', 'text/plain', `?taskId=${item.taskA}`);
    expect(bmw.status, JSON.stringify(bmw.body)).toBe(201);
    expect(bmw.body.contentType).toBe('text/plain');
  });

  it('refuses a request that is not multipart, and one without a file part', async () => {
    const json = await staffA.post('/api/attachments', { file: 'x' });
    expect([400, 415]).toContain(json.status);
    const form = new FormData();
    form.append('note', 'no file');
    const res = await fetch(`${h.baseUrl}/api/attachments`, { method: 'POST', headers: { authorization: `Bearer ${staffA.token}` }, body: form });
    expect(res.status).toBe(400);
    // A body that breaks the multipart parser is the client's fault too.
    const broken = await staffA.post('/api/attachments', '{"not":"multipart"}', { 'content-type': 'multipart/form-data; boundary=x' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.details.fields[0].field).toBe('body.file');
  });
});

describe('size limits', () => {
  it('refuses a file over the per-file limit (413), storing nothing', async () => {
    const before = await storedFiles();
    const big = png(MAX_FILE + 10, true);
    const res = await upload(staffA, big, 'big.png', 'image/png', `?taskId=${item.taskA}`);
    expect(res.status).toBe(413);
    expect(res.body.error.details.fields[0].field).toBe('body.file');
    expect(await storedFiles()).toEqual(before);
  });

  it('refuses the upload that would take an item past its total, and keeps what fitted', async () => {
    const launched = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: staffA.departmentId!, role: 'lead' }]));
    const taskId = launched.body.tasks[0].id as string;
    const chunk = png(40 * 1024, true);
    expect((await upload(staffA, chunk, 'a.png', 'image/png', `?taskId=${taskId}`)).status).toBe(201);
    expect((await upload(staffA, chunk, 'b.png', 'image/png', `?taskId=${taskId}`)).status).toBe(201);
    const before = await storedFiles();
    const third = await upload(staffA, chunk, 'c.png', 'image/png', `?taskId=${taskId}`);
    expect(third.status).toBe(413);
    expect(third.body.error.details.messageZh).toContain('合计');
    expect(await storedFiles()).toEqual(before);
    expect((await supervisor.get(`/api/items/${launched.body.id}/attachments`)).body.items).toHaveLength(2);
  });
});

describe('a full disk', () => {
  it('refuses the upload at the file, in both languages, leaving no row and no half-written file; the next one after space is freed is stored', async (ctx) => {
    const root = join(dataDir, 'attachments');
    await mkdir(root, { recursive: true });
    if (!mountSmallDisk(root, '512k')) ctx.skip(); // needs root, which CI has
    try {
      const launched = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: staffA.departmentId!, role: 'lead' }]));
      const itemId = launched.body.id as string;
      await mkdir(join(root, 'filler'));
      const filler = join(root, 'filler', 'bytes');
      await fillDisk(filler);
      const refused = await upload(supervisor, png(8_000, true), '现场.png', 'image/png', `?itemId=${itemId}`);
      expect(refused.status).toBe(503);
      expect(refused.body.error).toMatchObject({ code: 'unavailable', details: { fields: [{ field: 'body.file', messageZh: '附件存储空间已满，本次未保存任何内容，请稍后再试' }] } });
      expect((await supervisor.get(`/api/items/${itemId}/attachments`)).body.items).toEqual([]);
      expect((await storedFiles()).filter((f) => !f.startsWith('filler'))).toEqual([]);

      await rm(filler);
      const stored = await upload(supervisor, png(8_000, true), '现场.png', 'image/png', `?itemId=${itemId}`);
      expect(stored.status).toBe(201);
      expect((await download(supervisor, stored.body.id)).status).toBe(200);
    } finally {
      unmountSmallDisk(root);
    }
  });
});
