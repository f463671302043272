// `npm run audit -- …` as an auditor runs it: a child process against the test services.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemEvents, items, tasks } from '../../../db/schema/items';
import { departments } from '../../../db/schema/org';
import { signUpdate } from '../../../workflows/definitions';
import { engineHarness, eventually, staffOf, type EngineHarness } from '../engine/engine-harness';
import { uniqueName } from '../../support/services';

const root = fileURLToPath(new URL('../../../', import.meta.url));
let h: EngineHarness;
let itemId: string;
let deptEn: string;

function audit(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      `${root}node_modules/.bin/tsx`,
      ['audit/cli.ts', ...args],
      {
        cwd: root,
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: h.config.TEMPORAL_ADDRESS,
          TEMPORAL_NAMESPACE: h.config.TEMPORAL_NAMESPACE,
          DATABASE_URL: h.config.DATABASE_URL,
          LOG_LEVEL: 'silent',
          ...env,
        },
        timeout: 120_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function rows(id: string) {
  const strip = <T extends { projectedAt: Date }>(list: T[]) => list.map(({ projectedAt: _, ...rest }) => rest);
  return {
    item: strip(await h.database.db.select().from(items).where(eq(items.id, id))),
    tasks: strip(await h.database.db.select().from(tasks).where(eq(tasks.itemId, id))),
    events: (await h.database.db.select().from(itemEvents).where(eq(itemEvents.itemId, id))).sort((a, b) => a.id.localeCompare(b.id)),
  };
}

beforeAll(async () => {
  h = await engineHarness();
  deptEn = uniqueName('Finance Bureau');
  const [dept] = await h.database.db.insert(departments).values({ name: uniqueName('财政局'), nameEn: deptEn }).returning({ id: departments.id });
  const launched = await h.launch({ tasks: [{ departmentId: dept!.id }] });
  itemId = launched.itemId;
  await launched.taskHandles[0]!.executeUpdate(signUpdate, { args: [{ actor: { ...staffOf(dept!.id), name: 'Zhang San' } }] });
  await eventually(
    () => h.database.db.select().from(tasks).where(eq(tasks.itemId, itemId)),
    (r) => r[0]?.status === 'signed',
  );
}, 60_000);
afterAll(async () => h?.close());

describe('npm run audit', () => {
  it('history prints the events in plain words', async () => {
    const r = await audit(['history', itemId, '--lang', 'en']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`\\d{2}:\\d{2} ${deptEn} \\(Zhang San\\) signed for receipt`));
  });

  it('state --at rebuilds the state at an instant', async () => {
    const r = await audit(['state', itemId, '--at', new Date(Date.now() + 1000).toISOString()]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).tasks[0].status).toBe('signed');
  });

  it('verify reports replay and read model ok', async () => {
    const r = await audit(['verify', itemId]);
    expect(r.stdout).toContain('replay ok');
    expect(r.stdout).toContain('read model ok');
    expect(r.code).toBe(0);
  });

  it('rebuild --items restores truncated rows identically, showing progress', async () => {
    const before = await rows(itemId);
    await h.database.db.delete(itemEvents).where(eq(itemEvents.itemId, itemId));
    await h.database.db.delete(tasks).where(eq(tasks.itemId, itemId));
    await h.database.db.delete(items).where(eq(items.id, itemId));
    const r = await audit(['rebuild', '--items', itemId]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('rebuild: 1 items rebuilt');
    expect(await rows(itemId)).toEqual(before);
  });

  it('an unknown item or an unreachable server: one line, non-zero exit, no stack', async () => {
    const unknown = await audit(['history', randomUUID()]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toMatch(/^audit: no item/);
    const down = await audit(['verify', itemId], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(down.code).toBe(3);
    expect(down.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^audit: Temporal is not reachable at 127\.0\.0\.1:1/)]);
    const usage = await audit(['state', itemId]);
    expect(usage.code).toBe(2);
  });
});
