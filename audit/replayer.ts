// One replay worker for the whole process, fed history after history. Temporal's SDK (1.24) gives each
// replay worker the bundle's source map as a WebAssembly SourceMapConsumer and never frees it when the
// worker goes: a worker per verification grew the process by ~5 MiB each (5.4 MiB measured), and after
// ~3,000 (the fault suite's checks; `npm run audit -- verify --all` on a province) the WebAssembly heap
// was exhausted and every workflow promise threw "RuntimeError: unreachable". A worker kept for the
// process also skips parsing the bundle on every verification.
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';

/** What the replayer says of one history: its run, and why today's code does not reproduce it, if it does not. */
export interface HistoryReplay {
  runId: string;
  error?: Error;
}

interface Job {
  workflowId: string;
  history: unknown;
  resolve: (result: HistoryReplay) => void;
  reject: (error: unknown) => void;
}

export class Replayer {
  private readonly queue: Job[] = [];
  private wake: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  /** Replay workers started so far: one, unless one failed (a history the SDK could not read). */
  workersStarted = 0;

  constructor(private readonly options: () => Promise<ReplayWorkerOptions>) {}

  /** Replays one run's history with today's code; histories are replayed one at a time, in the order asked. */
  replay(workflowId: string, history: unknown): Promise<HistoryReplay> {
    if (this.closed) return Promise.reject(new Error('the replayer is closed'));
    return new Promise<HistoryReplay>((resolve, reject) => {
      this.queue.push({ workflowId, history, resolve, reject });
      this.wake?.();
      this.running ??= this.run();
    });
  }

  /** Ends the replay worker once the histories already asked for are replayed. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    // A worker that failed hands what is left to a new one: wait for the last.
    while (this.running) await this.running;
  }

  /** The histories the replay worker reads: waits for the next one asked for, ends on close. */
  private async *histories(current: { job: Job | null }) {
    for (;;) {
      while (this.queue.length === 0) {
        if (this.closed) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
      }
      const job = this.queue.shift()!;
      current.job = job;
      yield { workflowId: job.workflowId, history: job.history };
    }
  }

  private async run(): Promise<void> {
    this.workersStarted += 1;
    const current: { job: Job | null } = { job: null };
    try {
      for await (const result of Worker.runReplayHistories(await this.options(), this.histories(current))) {
        current.job?.resolve({ runId: result.runId, ...(result.error ? { error: result.error } : {}) });
        current.job = null;
      }
    } catch (error) {
      // The worker failed (a history it could not read, or it could not start): the history it was
      // on, or else the next one asked for, gets the error; a new worker takes the rest.
      (current.job ?? this.queue.shift())?.reject(error);
    } finally {
      this.running = null;
      if (this.queue.length > 0) this.running = this.run();
    }
  }
}
