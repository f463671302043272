// Concurrency drills shared by the roll-up tests: writers racing a compaction that runs again and again.
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `writers` writers at once while `compact` runs over and over (5 ms apart) until they are all
 * done; answers the writers' failures as text (none, when nothing deadlocked or timed out).
 */
export async function writersRacingCompaction(
  writers: number,
  write: (writer: number) => Promise<void>,
  compact: () => Promise<unknown>,
): Promise<string[]> {
  let compacting = true;
  const compactions = (async () => {
    while (compacting) {
      await compact();
      await sleep(5);
    }
  })();
  const results = await Promise.allSettled(Array.from({ length: writers }, (_, w) => write(w)));
  compacting = false;
  await compactions;
  return results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason));
}
