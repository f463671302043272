/**
 * After `vite build`: writes a .br and a .gz twin of every text file of ui/dist that is worth
 * compressing, so the API sends them without compressing per request (@fastify/static preCompressed).
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { uiDist } from '../api/plugins/ui';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map|wasm|ttf|otf)$/;
// Below this a compressed twin saves less than its headers cost.
const MIN_BYTES = 1024;
// Quality 10: within ~2% of 11 on the UI's bundles, at a third of its time (zlib's thread pool runs the files in parallel).
const BROTLI_QUALITY = 10;

async function filesOf(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? filesOf(join(dir, e.name)) : [join(dir, e.name)])));
  return nested.flat();
}

/** Returns how many files got their twins. */
export async function precompress(dir: string): Promise<number> {
  const files = (await filesOf(dir)).filter((f) => COMPRESSIBLE.test(f));
  const written = await Promise.all(
    files.map(async (path) => {
      if ((await stat(path)).size < MIN_BYTES) return 0;
      const content = await readFile(path);
      const params = { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: content.length };
      const [br, gz] = await Promise.all([brotli(content, { params }), gzipped(content, { level: 9 })]);
      await Promise.all([writeFile(`${path}.br`, br), writeFile(`${path}.gz`, gz)]);
      return 1;
    }),
  );
  return written.reduce<number>((a, b) => a + b, 0);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`precompressed ${await precompress(uiDist)} files of ${uiDist} (.br, .gz)`);
}
