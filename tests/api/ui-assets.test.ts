/**
 * The built UI is sent compressed and cached right: a hashed asset as its brotli twin (written at
 * build time) with a year's immutable caching; index.html revalidated on every visit.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMMUTABLE, serveUi } from '../../api/plugins/ui';
import { precompress } from '../../scripts/precompress-ui';

let dist: string;
let app: FastifyInstance;
const script = `export const greeting = ${JSON.stringify('督查督办 '.repeat(400))};\n`;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'ui-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'assets', 'index-Bx7d9Kq2.js'), script);
  writeFileSync(join(dist, 'index.html'), `<!doctype html><html><head><script type="module" src="/assets/index-Bx7d9Kq2.js"></script></head><body>${'<div></div>'.repeat(200)}</body></html>`);
  expect(await precompress(dist)).toBe(2);
  app = Fastify();
  await serveUi(app, dist);
});
afterAll(async () => {
  await app?.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('the UI assets', () => {
  it('a hashed asset asked with accept-encoding: br comes back as brotli, immutable for a year', async () => {
    const response = await app.inject({ url: '/assets/index-Bx7d9Kq2.js', headers: { 'accept-encoding': 'br, gzip' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['cache-control']).toBe(IMMUTABLE);
    expect(response.headers.vary).toMatch(/accept-encoding/i);
    expect(response.rawPayload.length).toBeLessThan(Buffer.byteLength(script) / 5);
    expect(brotliDecompressSync(response.rawPayload).toString()).toBe(script);
  });

  it('gzip when brotli is not accepted, plain when nothing is', async () => {
    const gzip = await app.inject({ url: '/assets/index-Bx7d9Kq2.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    const plain = await app.inject({ url: '/assets/index-Bx7d9Kq2.js', headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
  });

  it('index.html (and the client-side routes that fall back to it) must be revalidated', async () => {
    for (const url of ['/', '/index.html', '/items/123']) {
      const response = await app.inject({ url, headers: { 'accept-encoding': 'br' } });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['cache-control'], url).toBe('no-cache');
    }
  });
});
