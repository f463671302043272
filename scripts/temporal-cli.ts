/**
 * Makes sure a Temporal CLI binary exists and returns its path. Order (DESIGN.md):
 * TEMPORAL_BIN → `temporal` on PATH → our cache → build from the CLI's Go module (pinned in
 * temporal-dev.yaml, through scripts/temporal-cli/go.mod) → official download → a clear message.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, chmodSync, createWriteStream } from 'node:fs';
import { homedir, platform, arch, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDevSettings } from './dev-settings';
import { progressLine } from './progress';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function cacheDir(version: string): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'supervision-platform', 'temporal-cli', version);
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

function findGo(): string | null {
  return onPath('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : null);
}

export async function ensureTemporalCli(log: (line: string) => void = console.log): Promise<string> {
  if (process.env.TEMPORAL_BIN) {
    if (!existsSync(process.env.TEMPORAL_BIN)) throw new Error(`TEMPORAL_BIN points at ${process.env.TEMPORAL_BIN}, which does not exist`);
    return process.env.TEMPORAL_BIN;
  }
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;

  const { cli } = readDevSettings();
  const target = join(cacheDir(cli.version), 'temporal');
  if (existsSync(target)) return target;

  mkdirSync(dirname(target), { recursive: true });
  const lock = `${target}.lock`;
  await withDirLock(lock, log, async () => {
    if (existsSync(target)) return;
    const go = findGo();
    if (go) {
      await buildWithGo(go, cli.version, target, log);
      return;
    }
    log('Go is not installed; trying the official Temporal CLI download…');
    if (await download(cli.version, target, log)) return;
    throw new Error(
      [
        'No Temporal CLI could be found, built or downloaded.',
        'Install one of:',
        '  • the Temporal CLI: https://docs.temporal.io/cli#install (then it is found on PATH), or set TEMPORAL_BIN',
        '  • Go ≥ 1.25 (https://go.dev/dl/), and run `npm run temporal:cli` to build it',
      ].join('\n'),
    );
  });
  return target;
}

/** One builder at a time across processes (tests run in parallel); the rest wait. */
async function withDirLock(lock: string, log: (l: string) => void, work: () => Promise<void>) {
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - started > 30 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() - started > 1000 && (Date.now() - started) % 30_000 < 1000) log('waiting for another Temporal CLI build to finish…');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function buildWithGo(go: string, version: string, target: string, log: (l: string) => void) {
  const moduleDir = join(repoRoot, 'scripts', 'temporal-cli');
  const env = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' };
  log(`Building the Temporal CLI ${version} from its Go module (once; cached in ${dirname(target)}). This takes a few minutes.`);
  const started = Date.now();
  const show = progressLine('temporal cli');
  show('downloading Go modules…');
  const dl = spawnSync(go, ['mod', 'download'], { cwd: moduleDir, env, encoding: 'utf8' });
  if (dl.status !== 0) throw new Error(`go mod download failed:\n${dl.stderr}`);

  // The package count gives the progress line a total ("412 of 1320").
  const listed = spawnSync(go, ['list', '-deps', 'github.com/temporalio/cli/cmd/temporal'], { cwd: moduleDir, env, encoding: 'utf8' });
  const total = listed.status === 0 ? listed.stdout.split('\n').filter(Boolean).length : 0;
  const tmp = `${target}.partial-${process.pid}`;
  let compiled = 0;
  await new Promise<void>((resolvePromise, reject) => {
    const child = spawn(
      go,
      ['build', '-v', '-trimpath', '-ldflags', `-s -w -X github.com/temporalio/cli/temporalcli.Version=${version.replace(/^v/, '')}`, '-o', tmp, 'github.com/temporalio/cli/cmd/temporal'],
      { cwd: moduleDir, env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let errors = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (!line.trim()) continue;
        if (/^[\w.\-/]+$/.test(line.trim())) compiled += 1;
        else errors += line + '\n';
      }
      show(`compiled ${compiled}${total ? ` of ~${total}` : ''} packages · ${Math.round((Date.now() - started) / 1000)} s`);
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`go build failed (exit ${code}):\n${errors}`))));
  });
  chmodSync(tmp, 0o755);
  renameSync(tmp, target);
  show.done(`built in ${Math.round((Date.now() - started) / 1000)} s → ${target}`);
}

async function download(version: string, target: string, log: (l: string) => void): Promise<boolean> {
  const os = platform() === 'win32' ? 'windows' : platform();
  const cpu = arch() === 'x64' ? 'amd64' : arch();
  const url = `https://temporal.download/cli/archive/${version}?platform=${os}&arch=${cpu}`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    if (!response.ok || !response.body) return false;
    const archive = join(tmpdir(), `temporal-cli-${process.pid}.tar.gz`);
    const out = createWriteStream(archive);
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) out.write(chunk);
    await new Promise((r) => out.end(r));
    const untar = spawnSync('tar', ['-xzf', archive, '-C', dirname(target), 'temporal']);
    rmSync(archive, { force: true });
    if (untar.status !== 0) return false;
    log(`downloaded the Temporal CLI ${version} → ${target}`);
    return true;
  } catch {
    return false;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureTemporalCli()
    .then((path) => console.log(path))
    .catch((error: Error) => {
      console.error(error.message);
      process.exit(1);
    });
}
