/** Builds ui/dist with Vite when it is missing or older than its sources (used by `up` and the test setup). */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { repoRoot } from './dev-settings';
import { precompress } from './precompress-ui';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Returns true when it built, false when ui/dist was already up to date. */
export async function buildUiIfStale(): Promise<boolean> {
  const index = resolve(repoRoot, 'ui', 'dist', 'index.html');
  const sources = Math.max(newestMtime(resolve(repoRoot, 'ui', 'src')), statSync(resolve(repoRoot, 'ui', 'index.html')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return false;
  // The production bundle even when called from the test setup: vitest sets NODE_ENV=test, and Vite
  // then builds React's and antd's development code (slower, and not what users get).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: resolve(repoRoot, 'ui', 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  await precompress(resolve(repoRoot, 'ui', 'dist'));
  return true;
}
