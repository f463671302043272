/**
 * Determinism guard: every recorded history under histories/ replays through today's workflow code.
 * A change that would break running items fails here.
 * - `baseline-*`: recorded with today's code (record-histories.test.ts).
 * - `before-notify-apart-from-projection-*`: the worked example of evolving a workflow (workflows/
 *   README.md): recorded through the code as it was before that change, they replay because the
 *   change is behind patched(); made without patched(), it would break them.
 */
import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import { testServices } from '../support/services';
import { historyFromJSON } from '../../archive/history-json';
import { NOTIFY_APART_FROM_PROJECTION } from '../../workflows/task-outbox';
import { shimmedBundle } from './shimmed-bundle';

const dir = resolve(import.meta.dirname, 'histories');
const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
const load = async (file: string) => historyFromJSON(JSON.parse(await readFile(resolve(dir, file), 'utf8')));
const beforeChange = files.filter((f) => f.startsWith(`before-${NOTIFY_APART_FROM_PROJECTION}-`));

describe('recorded histories replay through the current workflow code', () => {
  it('there are baseline histories and histories from before the worked example', () => {
    expect(files.filter((f) => f.startsWith('baseline-')).length).toBeGreaterThanOrEqual(7);
    expect(beforeChange.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('%s', async (file) => {
    await Worker.runReplayHistory({ workflowBundle: { codePath: testServices().workflowBundlePath } }, await load(file), file);
  });

  // The change, made without patched(), would break the histories recorded before it.
  it(`${NOTIFY_APART_FROM_PROJECTION} made without patched() would break the task history recorded before it`, async () => {
    const bundle = await shimmedBundle(NOTIFY_APART_FROM_PROJECTION, 'made-without-patched');
    const file = `before-${NOTIFY_APART_FROM_PROJECTION}-task-worked-run1.json`;
    const error = await Worker.runReplayHistory({ workflowBundle: bundle }, await load(file), 'unpatched').catch((e: unknown) => e);
    expect(error, file).toBeInstanceOf(DeterminismViolationError);
  });
});
