/**
 * The audit's replayer (audit/replayer.ts): one replay worker serves every verification of a process.
 * A worker per verification leaked the bundle's WebAssembly source map (~5 MiB each): the fault
 * suite's ~3,000 verifications ended in "RuntimeError: unreachable" on every workflow promise.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { historyFromJSON } from '../../archive/history-json';
import { Replayer } from '../../audit/replayer';
import { testServices } from '../support/services';

const dir = resolve(import.meta.dirname, 'histories');
const json = async (file: string) => JSON.parse(await readFile(resolve(dir, file), 'utf8'));
const replayer = new Replayer(async () => ({ workflowBundle: { codePath: testServices().workflowBundlePath }, replayName: 'replayer-test' }));
afterAll(() => replayer.close());

/** A recorded item history whose first child is of another workflow type: today's code starts a task, so it cannot replay. */
async function tamperedHistory() {
  const raw = await json('baseline-item-full-run1.json');
  const started = raw.events.find((e: { startChildWorkflowExecutionInitiatedEventAttributes?: unknown }) => e.startChildWorkflowExecutionInitiatedEventAttributes);
  started.startChildWorkflowExecutionInitiatedEventAttributes.workflowType.name = 'somethingElse';
  return historyFromJSON(raw);
}

describe('one replay worker for every verification of a process', () => {
  it('replays many histories without the process growing per replay', async () => {
    const histories = await Promise.all(['baseline-task-worked-run1.json', 'baseline-item-full-run1.json'].map(async (f) => historyFromJSON(await json(f))));
    const first = await replayer.replay('warm-up', histories[0]);
    expect(first.error).toBeUndefined();
    const before = process.memoryUsage().external;
    const results = [];
    for (let i = 0; i < 60; i++) results.push(await replayer.replay(`w-${i}`, histories[i % 2]));
    expect(results.filter((r) => r.error !== undefined)).toEqual([]);
    expect(new Set(results.map((r) => r.runId)).size).toBe(2);
    // A worker per replay grew external memory by ~5 MiB a replay (300 MiB here).
    expect((process.memoryUsage().external - before) / 2 ** 20).toBeLessThan(64);
    expect(replayer.workersStarted).toBe(1);
  }, 120_000);

  it('a history today’s code does not reproduce is reported, and the next one still replays on the same worker', async () => {
    const bad = await replayer.replay('tampered', await tamperedHistory());
    expect(bad.error?.message).toMatch(/somethingElse|nondetermin|mismatch/i);
    const good = await replayer.replay('after', historyFromJSON(await json('baseline-task-cancelled.json')));
    expect(good.error).toBeUndefined();
    expect(replayer.workersStarted).toBe(1);
  }, 60_000);

  it('a history the replayer cannot read fails that verification only; a new worker takes the next', async () => {
    const readable = historyFromJSON(await json('baseline-task-cancelled.json'));
    const unreadable = replayer.replay('unreadable', {});
    const next = replayer.replay('next', readable);
    await expect(unreadable).rejects.toThrow();
    expect((await next).error).toBeUndefined();
    expect(replayer.workersStarted).toBe(2);
  }, 60_000);

  it('once closed, it refuses new histories', async () => {
    const closing = new Replayer(async () => ({ workflowBundle: { codePath: testServices().workflowBundlePath }, replayName: 'replayer-closed' }));
    expect((await closing.replay('one', historyFromJSON(await json('baseline-task-cancelled.json')))).error).toBeUndefined();
    await closing.close();
    await expect(closing.replay('two', {})).rejects.toThrow(/closed/);
  }, 60_000);
});
