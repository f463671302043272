/**
 * Renders dossier PDFs on a few worker threads, so laying out a long dossier (hundreds of ms of CPU
 * each) never holds the API's event loop: health checks and every other request keep answering.
 * Threads start on first use and each parses the CJK fonts once (pdf-fonts.ts); requests beyond the
 * free threads wait their turn in order.
 */
import { Worker } from 'node:worker_threads';
import type { DossierData } from './dossier-data';
import { renderDossierPdf, type AppendixSection, type DossierOptions } from './dossier-pdf';

export interface RenderRequest {
  id: number;
  data: DossierData;
  options: { appendix: AppendixSection[]; now?: Date };
}

export type RenderResponse = { id: number; bytes: Uint8Array } | { id: number; error: string };

export interface DossierRenderer {
  render(data: DossierData, options?: DossierOptions): Promise<Buffer>;
  close(): Promise<void>;
}

interface Pending {
  request: RenderRequest;
  resolve: (bytes: Buffer) => void;
  reject: (error: Error) => void;
}

const threadEntry = new URL('./dossier-render-thread.mjs', import.meta.url);

export function createDossierRenderPool(size: number): DossierRenderer {
  const live = new Set<Worker>();
  const idle: Worker[] = [];
  const busy = new Map<Worker, Pending>();
  const waiting: Pending[] = [];
  let nextId = 1;
  let closed = false;

  function startThread(): Worker {
    // execArgv []: the entry registers tsx itself, whichever loader (if any) the API runs under.
    const worker = new Worker(threadEntry, { execArgv: [] });
    live.add(worker);
    worker.on('message', (response: RenderResponse) => settle(worker, response));
    worker.on('error', (error) => retire(worker, error));
    worker.on('exit', (code) => retire(worker, new Error(`dossier render thread exited with code ${code}`)));
    return worker;
  }

  function settle(worker: Worker, response: RenderResponse): void {
    const job = busy.get(worker);
    busy.delete(worker);
    if (job) {
      if ('error' in response) job.reject(new Error(response.error));
      else job.resolve(Buffer.from(response.bytes.buffer, response.bytes.byteOffset, response.bytes.byteLength));
    }
    worker.unref(); // an idle pool never keeps the process alive
    idle.push(worker);
    pump();
  }

  /** A thread that failed or exited: its job fails, a later request starts a new thread. */
  function retire(worker: Worker, error: Error): void {
    if (!live.delete(worker)) return; // 'error' is followed by 'exit'
    const job = busy.get(worker);
    busy.delete(worker);
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
    job?.reject(error);
    if (!closed) pump();
  }

  function pump(): void {
    while (waiting.length > 0) {
      const worker = idle.pop() ?? (live.size < size ? startThread() : null);
      if (!worker) return;
      const job = waiting.shift()!;
      busy.set(worker, job);
      worker.ref();
      worker.postMessage(job.request);
    }
  }

  return {
    render(data, options = {}) {
      if (closed) return Promise.reject(new Error('the dossier renderer is closed'));
      const appendix = options.appendix ?? [];
      // A section drawn by a function cannot cross to a thread: such a dossier renders here.
      if (appendix.some((section) => section.render)) return renderDossierPdf(data, options);
      return new Promise<Buffer>((resolve, reject) => {
        waiting.push({ request: { id: nextId++, data, options: { appendix, now: options.now } }, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const job of waiting.splice(0)) job.reject(new Error('the dossier renderer is closed'));
      await Promise.all([...live].map((worker) => worker.terminate()));
    },
  };
}
