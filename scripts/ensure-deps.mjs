// Runs `npm install` only when node_modules is missing or older than package-lock.json / package.json,
// so a warm `npm run up` starts at once (and works offline). Plain JS: it runs before tsx exists.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const installed = 'node_modules/.package-lock.json';
const stale =
  !existsSync(installed) ||
  ['package-lock.json', 'package.json'].some((file) => existsSync(file) && statSync(file).mtimeMs > statSync(installed).mtimeMs);

if (stale) {
  console.log('Installing dependencies (npm install)…');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
