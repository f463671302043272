/**
 * A redis-server of the test's own on a free port, so it can be stopped and started again
 * without touching the shared Redis other tests use.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from '../../../support/free-port';

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startOwnRedis(binary = '/usr/bin/redis-server') {
  const port = await freePort();
  let child: ChildProcess | null = null;

  /** Starts it again; a no-op while it runs (a second server could not bind and would take the first's place here, leaving that one behind). */
  async function start() {
    if (child && child.exitCode === null && child.signalCode === null) return;
    child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await answers(port))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function stop() {
    const running = child;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
    child = null;
  }

  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop };
}
