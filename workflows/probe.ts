import { sleep } from '@temporalio/workflow';

/**
 * The smallest real workflow: one durable timer, then done. Used by the foundation's own tests
 * to prove the dev server runs workflows, and by benchmarks as the baseline start rate.
 */
export async function probe(timerMs: number): Promise<string> {
  if (timerMs > 0) await sleep(timerMs);
  return 'ok';
}
