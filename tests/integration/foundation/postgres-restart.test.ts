/**
 * The database client across a Postgres restart, with queries and transactions in flight when it
 * stops: the pool must answer again as soon as Postgres is back, with no query left hanging, no error
 * from before the restart handed to a query made after it, and no crash of the process.
 *
 * postgres.js 3.4.9 failed all three: a transaction cut by the stop could throw from a timer
 * ("Cannot read properties of null (reading 'write')"), which ends the process; a connection kept the
 * server's "terminating connection due to administrator command" and gave it to its next query,
 * made after the restart; and a connection could sit in its startup until connect_timeout (30 s), which
 * the fault suite saw as a launch that hung for 30 s after "stop Postgres". postgres.js 4 passes.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../../../db/client';
import { repoRoot } from '../../../scripts/dev-settings';
import { freePort } from '../../support/free-port';
import { uniqueName } from '../../support/services';
import { ownPostgres, type OwnService } from '../faults/own-services';

/** Loops of plain queries and two-statement transactions until stopped; failures are expected while Postgres is down. */
function keepBusy(handle: DatabaseHandle, loops: number) {
  let running = true;
  const counts = { ok: 0, failed: 0 };
  const done = Promise.all(
    Array.from({ length: loops }, async (_, loop) => {
      while (running) {
        try {
          if (loop % 2 === 0) await handle.sql`select pg_sleep(0.01)`;
          else await handle.sql.begin(async (tx) => [await tx`select 1`, await tx`select pg_sleep(0.01)`]);
          counts.ok++;
        } catch {
          counts.failed++;
          await sleep(20 + Math.random() * 80);
        }
      }
    }),
  );
  return { counts, stop: () => ((running = false), done) };
}

/** Ten concurrent queries, half in transactions: each one's outcome and time. */
async function probe(handle: DatabaseHandle) {
  return Promise.all(
    Array.from({ length: 10 }, async (_, i) => {
      const started = Date.now();
      try {
        const [row] = i % 2 ? await handle.sql<{ i: number }[]>`select ${i}::int as i` : await handle.sql.begin((tx) => tx<{ i: number }[]>`select ${i}::int as i`);
        return { i, answer: row?.i, ms: Date.now() - started };
      } catch (error) {
        return { i, error: (error as Error).message, ms: Date.now() - started };
      }
    }),
  );
}

describe('the database client across a Postgres restart', () => {
  const dir = join(repoRoot, '.data', 'test', uniqueName('pg-restart'));
  let postgres: OwnService | undefined;
  let handle: DatabaseHandle | undefined;
  afterAll(async () => {
    await handle?.close();
    await postgres?.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every query made after Postgres is back, promptly, though the stop cut queries and transactions short', async () => {
    postgres = await ownPostgres(dir, await freePort(), 'restart');
    handle = connectDatabase(postgres.url, { max: 10 });
    const load = keepBusy(handle, 12);
    await sleep(1_500);
    await postgres.stop();
    await sleep(3_000);
    await postgres.start();
    await sleep(1_500);
    await load.stop();
    expect(load.counts.ok, 'the load ran before the stop').toBeGreaterThan(50);
    expect(load.counts.failed, 'queries failed while Postgres was down').toBeGreaterThan(0);

    for (let round = 0; round < 3; round++) {
      await sleep(1_000);
      const answers = await probe(handle);
      expect(answers.filter((a) => a.answer !== a.i || a.ms > 3_000), `round ${round}: every query answered within 3 s`).toEqual([]);
    }
  }, 120_000);
});
