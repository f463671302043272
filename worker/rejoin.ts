/**
 * Rejoining Temporal at once after an outage.
 *
 * While the server is away, the SDK's pollers retry on a backoff that doubles from 200 ms to 10 s,
 * fixed in Temporal's core (`task_poll_retry_policy`; TS SDK 1.24 has no option for it). After a 30 s
 * outage a worker therefore resumes polling up to 10 s after the server is back, and every timer that
 * fell due meanwhile (a light turning yellow or red) waits that long on top; its cached workflows'
 * sticky tasks time out meanwhile and are replayed cold anyway. So the process watches the server
 * with a cheap health check of its own and, when the server returns after an outage long enough for
 * the backoff to matter, starts a fresh Worker (whose pollers start at once) and drains the old one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { NativeConnection, Worker } from '@temporalio/worker';

/** A Worker and the connection it alone uses (closed once it has drained). */
export interface ConnectedWorker {
  worker: Worker;
  connection: NativeConnection;
}

/** What the watch knows: since when the server has been unreachable (null while it answers). */
export interface WatchState {
  downSince: number | null;
}

export const serverUp: WatchState = { downSince: null };

/**
 * One health check's outcome folded into the watch. `rejoin` is true when the server answers again
 * after being unreachable for at least `minOutageMs`: shorter outages leave the pollers' backoff
 * below a second (200 + 400 ms), not worth a cold cache.
 */
export function watchStep(state: WatchState, answered: boolean, now: number, minOutageMs: number): { state: WatchState; rejoin: boolean; outageMs: number } {
  if (!answered) return { state: { downSince: state.downSince ?? now }, rejoin: false, outageMs: 0 };
  if (state.downSince === null) return { state, rejoin: false, outageMs: 0 };
  const outageMs = now - state.downSince;
  return { state: serverUp, rejoin: outageMs >= minOutageMs, outageMs };
}

export interface RejoinOptions {
  /** The Worker to run first. */
  first: ConnectedWorker;
  /** A new Worker on a new connection, ready to run. */
  create: () => Promise<ConnectedWorker>;
  /** Resolves true when the server answers a health check within the probe's own deadline. */
  probe: () => Promise<boolean>;
  /** How often to check the server; 0 runs the first Worker alone, without the watch. */
  intervalMs: number;
  minOutageMs: number;
  log: (message: string, details?: unknown) => void;
}

/**
 * Runs a Worker until it is shut down (SIGINT/SIGTERM reach every Worker of the process through the
 * SDK's Runtime), replacing it with a fresh one whenever the server comes back from an outage.
 * Resolves once the last Worker has drained; rejects if a Worker fails for good.
 */
export async function runWorkerRejoining(options: RejoinOptions): Promise<void> {
  let current = options.first;
  let running = current.worker.run();
  if (options.intervalMs <= 0) return running.finally(() => current.connection.close());
  const draining: Promise<void>[] = [];
  let state = serverUp;
  for (;;) {
    const ended = await Promise.race([running.then(() => true), sleep(options.intervalMs).then(() => false)]);
    if (ended) break;
    const step = watchStep(state, await options.probe(), Date.now(), options.minOutageMs);
    state = step.state;
    if (!step.rejoin || current.worker.getState() !== 'RUNNING') continue;
    const fresh = await options.create().catch((error: unknown) => {
      options.log('could not start a fresh worker after the outage; the old one polls on its own backoff', error);
      return null;
    });
    if (!fresh) continue;
    const freshRunning = fresh.worker.run();
    current.worker.shutdown();
    draining.push(drain(current, running, options.log));
    options.log(`Temporal answered again after ${(step.outageMs / 1000).toFixed(1)} s: polling with a fresh worker, the old one drains`);
    [current, running] = [fresh, freshRunning];
  }
  await Promise.all([...draining, current.connection.close()]);
}

/** Waits for a replaced Worker to finish its in-flight tasks, then closes its connection. */
async function drain(old: ConnectedWorker, running: Promise<void>, log: RejoinOptions['log']) {
  await running.catch((error: unknown) => log('the replaced worker failed while draining', error));
  await old.connection.close();
}
