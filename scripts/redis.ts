/**
 * Where Redis comes from: REDIS_URL → a server on 127.0.0.1:6379 → `redis-server` started with
 * its data under .data/redis → a clear message naming the package to install.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { dataDir } from './dev-settings';
import { portAnswers } from './temporal-server';

export interface RedisSource {
  url: string;
  origin: 'REDIS_URL' | 'local server' | 'started redis-server';
  stop(): Promise<void>;
}

const OWN_PORT = 6389;

function findRedisServer(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin', '/opt/homebrew/bin'];
  for (const dir of dirs) if (dir && existsSync(join(dir, 'redis-server'))) return join(dir, 'redis-server');
  return null;
}

export async function resolveRedis(log: (l: string) => void = console.log): Promise<RedisSource> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, origin: 'REDIS_URL', stop: async () => {} };
  if (await portAnswers('127.0.0.1', 6379)) return { url: 'redis://127.0.0.1:6379', origin: 'local server', stop: async () => {} };
  const url = `redis://127.0.0.1:${OWN_PORT}`;
  if (await portAnswers('127.0.0.1', OWN_PORT)) return { url, origin: 'started redis-server', stop: async () => {} };

  const bin = findRedisServer();
  if (!bin) {
    throw new Error(
      'No Redis found: set REDIS_URL, or start Redis on 127.0.0.1:6379, or install the `redis-server` binary ' +
        '(Debian/Ubuntu: `apt-get install redis-server`; macOS: `brew install redis`).',
    );
  }
  const dir = resolve(dataDir(), 'redis');
  mkdirSync(dir, { recursive: true });
  log('No Redis found: starting redis-server with its data under .data/redis…');
  const child = spawn(bin, ['--port', String(OWN_PORT), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '60 1'], {
    stdio: 'ignore',
  });
  const deadline = Date.now() + 10_000;
  while (!(await portAnswers('127.0.0.1', OWN_PORT))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on port ${OWN_PORT}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    origin: 'started redis-server',
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}
