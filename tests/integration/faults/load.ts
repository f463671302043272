/**
 * What runs against the platform while a fault is on: open items whose timers fall due inside the
 * fault's window, a webhook receiver counting every delivery, and clients that keep urging tasks
 * (each urge a counter the task keeps, so "applied exactly once" can be counted).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** One delivery as the receiver saw it. */
export interface Delivery {
  path: string;
  deliveryId: string;
  event: string;
  taskId: string | null;
}

export async function startReceiver() {
  const received: Delivery[] = [];
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      let body: { event?: string; taskId?: string } = {};
      try {
        body = JSON.parse(raw);
      } catch {
        // counted all the same, as an unreadable delivery
      }
      const deliveryId = String(request.headers['x-supervision-delivery'] ?? '');
      received.push({ path: request.url ?? '', deliveryId, event: body.event ?? '?', taskId: body.taskId ?? null });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** One HTTP call; a connection that fails or hangs answers status 0. */
export async function call(base: string, method: string, path: string, options: { token?: string; body?: unknown; key?: string; timeoutMs?: number } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.key) headers['idempotency-key'] = options.key;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    return { status: response.status, body };
  } catch {
    return { status: 0, body: null };
  }
}

/**
 * Answers that say nothing of whether the write was applied, and ask for it again under the same key:
 * no answer at all (a dropped connection), the API's 503 ("retry with the same Idempotency-Key") and
 * the balancer's 502 and 504 (no API process answered).
 */
export const sendAgain = (status: number): boolean => status === 0 || status === 502 || status === 503 || status === 504;

/**
 * A write as a careful client makes it: one Idempotency-Key, sent again while the answer asks for that
 * (sendAgain), for up to two minutes; the last answer is final. The UI's forms do the same when the
 * user tries again (useApiForm keeps the key while the body is the same).
 */
export async function submitOnce(base: string, path: string, token: string, body: unknown, key: string = randomUUID(), giveUpAfterMs = 120_000): Promise<{ key: string } & Answer> {
  const deadline = Date.now() + giveUpAfterMs;
  for (;;) {
    const answer = await call(base, 'POST', path, { token, body, key });
    if (!sendAgain(answer.status) || Date.now() > deadline) return { key, ...answer };
    await sleep(500);
  }
}

/** Runs `work` on `items` with at most `concurrency` at a time. */
export async function inParallel<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!, i);
      }
    }),
  );
  return results;
}

/** Every urge a client made, by task: the final status of each key. */
export interface Submissions {
  byTask: Map<string, { key: string; status: number }[]>;
}

/**
 * Clients urging random tasks until `stop()`: `clients` loops, each one urge at a time through the
 * balancer, now and then the same key twice at once (a double submit, which must apply once).
 */
export function startSubmitting(base: string, token: string, taskIds: readonly string[], clients: number) {
  const submissions: Submissions = { byTask: new Map() };
  let running = true;
  const record = (taskId: string, entry: { key: string; status: number }) => {
    const list = submissions.byTask.get(taskId) ?? [];
    list.push(entry);
    submissions.byTask.set(taskId, list);
  };
  const loop = async (client: number) => {
    for (let n = 0; running; n++) {
      const taskId = taskIds[Math.floor(Math.random() * taskIds.length)]!;
      const body = { message: `故障期间催办 ${client}-${n}` };
      if (n % 5 === 4) {
        const key = randomUUID();
        const twice = await Promise.all([0, 1].map(() => call(base, 'POST', `/api/tasks/${taskId}/urge`, { token, body, key })));
        // The key counts once: accepted when either copy was (the other may be told it is in flight).
        const accepted = twice.find((a) => a.status >= 200 && a.status < 300);
        // Neither accepted (refused, told to retry, or told the other copy is still in flight): the key's
        // own answer, asked for again under it as a single submit is.
        const final = accepted ?? (await submitOnce(base, `/api/tasks/${taskId}/urge`, token, body, key));
        record(taskId, { key, status: final.status });
      } else {
        const { key, status } = await submitOnce(base, `/api/tasks/${taskId}/urge`, token, body);
        record(taskId, { key, status });
      }
      await sleep(150);
    }
  };
  const loops = Array.from({ length: clients }, (_, i) => loop(i));
  return {
    submissions,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}
