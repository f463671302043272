import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../../db/group-commit';

/** A batch writer that records what it was given; `failWhen` makes a batch fail. */
function recordingBatches(failWhen: (items: number[]) => boolean = () => false) {
  const batches: number[][] = [];
  const commit = new GroupCommit<number, string>(async (items) => {
    batches.push(items);
    await new Promise((r) => setTimeout(r, 5));
    if (failWhen(items)) throw new Error(`batch ${items.join(',')} refused`);
    return items.map((n) => `row ${n}`);
  });
  return { batches, commit };
}

describe('group commit of concurrent writes', () => {
  it('gives every caller its own result, writes every item exactly once, in few batches', async () => {
    const { batches, commit } = recordingBatches();
    const items = Array.from({ length: 100 }, (_, i) => i);
    const results = await Promise.all(items.map((n) => commit.submit(n)));
    expect(results).toEqual(items.map((n) => `row ${n}`));
    expect(batches.flat().sort((a, b) => a - b)).toEqual(items);
    expect(batches.length).toBeLessThan(5);
  });

  it('callers arriving while a batch is being written go out together in the next one', async () => {
    const { batches, commit } = recordingBatches();
    const first = commit.submit(1);
    await new Promise((r) => setImmediate(r)); // the first batch is now in flight
    const later = [2, 3, 4].map((n) => commit.submit(n));
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('one bad item fails only its own caller: a failed batch is written again item by item', async () => {
    const { batches, commit } = recordingBatches((items) => items.includes(13));
    const settled = await Promise.allSettled([12, 13].map((n) => commit.submit(n)));
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect((settled[0] as PromiseFulfilledResult<string>).value).toBe('row 12');
    expect((settled[1] as PromiseRejectedResult).reason.message).toBe('batch 13 refused');
    await expect(commit.submit(14)).resolves.toBe('row 14');
    expect(batches).toEqual([[12, 13], [12], [13], [14]]);
  });

  it('when the database refuses everything, every caller gets the error (and its job retries)', async () => {
    const { commit } = recordingBatches(() => true);
    const settled = await Promise.allSettled([1, 2, 3].map((n) => commit.submit(n)));
    expect(settled.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });
});
