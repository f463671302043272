/**
 * `npm run up` as a user runs it (node --import tsx scripts/up.ts), on ports and a data directory of the test's
 * own: it comes up healthy, Ctrl-C stops what it started, and a second run reuses the SQLite file
 * so a workflow's durable timer started in the first run still fires in the second.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../scripts/dev-settings';
import { portAnswers } from '../../../scripts/temporal-server';
import { probe } from '../../../workflows';
import { testServices, uniqueName } from '../../support/services';

const TEMPORAL_PORT = 17533;
const API_PORT = 17580;
const dataDir = mkdtempSync(join(tmpdir(), 'supervision-up-'));
/** Every `up` started, so a failed assertion still stops it (and the dev server it started). */
const started: ChildProcess[] = [];

function up(): { child: ChildProcess; output: () => string; ready: Promise<void> } {
  const services = testServices();
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/up.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      TEMPORAL_ADDRESS: `127.0.0.1:${TEMPORAL_PORT}`,
      PORT: String(API_PORT),
      HOST: '127.0.0.1',
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
      QUEUE_PREFIX: uniqueName('sv-up'),
      ADMIN_PASSWORD: 'admin-test-password',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const ready = new Promise<void>((resolvePromise, reject) => {
    const timer = setInterval(() => {
      if (output.includes('Ctrl-C stops everything')) {
        clearInterval(timer);
        resolvePromise();
      }
    }, 200);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`up exited early (${code}):\n${output}`));
    });
  });
  return { child, output: () => output, ready };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGINT');
  return exited;
}

describe('npm run up', () => {
  afterAll(async () => {
    await Promise.all(started.filter((child) => child.exitCode === null && child.signalCode === null).map(stop));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('comes up healthy, stops on Ctrl-C, and a second run keeps workflows and timers', async () => {
    const first = up();
    await first.ready;
    expect(first.output()).toContain(`http://127.0.0.1:${API_PORT}/docs`);
    expect(first.output()).toContain(`http://127.0.0.1:${TEMPORAL_PORT + 1000}`);
    const health = await fetch(`http://127.0.0.1:${API_PORT}/api/health`);
    expect(health.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${API_PORT}/`)).headers.get('content-type')).toMatch(/text\/html/);

    // A workflow whose 8 s timer outlives the first run.
    const connection = await Connection.connect({ address: `127.0.0.1:${TEMPORAL_PORT}` });
    const client = new Client({ connection, namespace: 'supervision' });
    const workflowId = uniqueName('survives-restart');
    await client.workflow.start(probe, { taskQueue: 'supervision', workflowId, args: [8000] });
    await connection.close();

    expect(await stop(first.child)).toBe(0);
    expect(await portAnswers('127.0.0.1', TEMPORAL_PORT)).toBe(false);
    expect(await portAnswers('127.0.0.1', API_PORT)).toBe(false);

    const second = up();
    await second.ready;
    const again = await Connection.connect({ address: `127.0.0.1:${TEMPORAL_PORT}` });
    try {
      const result = await new Client({ connection: again, namespace: 'supervision' }).workflow.getHandle(workflowId).result();
      expect(result).toBe('ok');
    } finally {
      await again.close();
      expect(await stop(second.child)).toBe(0);
    }
  }, 240_000);
});
