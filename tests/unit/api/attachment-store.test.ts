import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAttachmentStore, createLocalStore } from '../../../api/services/attachments/store';
import { cleanFileName, contentDisposition } from '../../../api/services/attachments/attachments';
import { loadConfig } from '../../../config/env';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sv-store-'));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe('the local attachment store', () => {
  it('puts, gets and removes by key, leaving no temporary file behind', async () => {
    const store = createLocalStore(root);
    const key = randomUUID();
    await store.put(key, Buffer.from('证据'), 'text/plain');
    expect(await text(await store.get(key))).toBe('证据');
    expect(await readdir(join(root, key.slice(0, 2)))).toEqual([key]);
    await store.remove(key);
    await expect(store.get(key)).rejects.toThrow();
  });

  it('refuses a key that is not one of ours (no path can be smuggled in)', async () => {
    const store = createLocalStore(root);
    await expect(store.put('../../etc/passwd', Buffer.from('x'), 'text/plain')).rejects.toThrow(/unexpected attachment key/);
  });
});

describe('choosing the store', () => {
  const base = { SESSION_SECRET: 'x'.repeat(32) };
  it('keeps files under DATA_DIR unless S3_URL names a bucket', () => {
    expect(createAttachmentStore(loadConfig({ ...base, DATA_DIR: root })).kind).toBe('local');
    expect(createAttachmentStore(loadConfig({ ...base, S3_URL: 'http://key:secret@127.0.0.1:9000/evidence' })).kind).toBe('s3');
    expect(() => loadConfig({ ...base, S3_URL: 'http://key:secret@127.0.0.1:9000/' })).toThrow(/S3_URL/);
  });
});

describe('file names', () => {
  it('keeps the name without path or control characters, and offers it back in both header forms', () => {
    expect(cleanFileName('C:\\Users\\张三\\现场\u0007照片.jpg')).toBe('现场照片.jpg');
    expect(cleanFileName('../../')).toBe('file');
    expect(contentDisposition('整改 "报告".pdf')).toBe(`attachment; filename="__ ____.pdf"; filename*=UTF-8''${encodeURIComponent('整改 "报告".pdf')}`);
    // RFC 5987: the characters encodeURIComponent leaves alone but an ext-value may not hold.
    expect(contentDisposition("it's (1).txt")).toContain("filename*=UTF-8''it%27s%20%281%29.txt");
  });
});
