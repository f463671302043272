/**
 * Determinism guard: every recorded history under histories/ replays through today's workflow code.
 * A change that would break running items fails here. The v1-* histories were recorded before the
 * task workflow's `skip-undelivered-notify` patch, the v2-* ones before its
 * `deliver-requests-and-deadline-changes` patch, the v3-* ones before `outbox-as-local-activities`
 * (projection and notification as local activities, task and item workflows), the v4-* ones before
 * `notify-apart-from-projection`, the v5-* ones before `tell-item-by-local-activity`, the v6-* ones
 * before `tell-item-what-it-rolls-up`, the v7-* ones before `keep-timer-unless-earlier`; they replay
 * because each change is behind patched().
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import { workflowsPath } from '../../worker/create-worker';
import { testServices } from '../support/services';
import { historyFromJSON } from '../../audit/history-json';

const dir = resolve(import.meta.dirname, 'histories');
const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
const load = async (file: string) => historyFromJSON(JSON.parse(await readFile(resolve(dir, file), 'utf8')));
const quiet = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} } as never;

describe('recorded histories replay through the current workflow code', () => {
  it('there are histories from before the patch', () => {
    expect(files.filter((f) => f.startsWith('v1-')).length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('%s', async (file) => {
    await Worker.runReplayHistory({ workflowBundle: { codePath: testServices().workflowBundlePath } }, await load(file), file);
  });

  // Each change, made without patched(), would break the histories recorded before it — and only that
  // change: the other patches keep working in the shim.
  it.each([
    // v2: recorded while a submitted report was not delivered; unpatched code now schedules that notify.
    ['deliver-requests-and-deadline-changes', ['v2-task-worked-run1.json']],
    // v3: recorded while the outbox scheduled activity tasks; unpatched code runs local activities instead.
    ['outbox-as-local-activities', ['v3-task-worked-run1.json', 'v3-item-full-run1.json']],
    // v4: recorded while notifications went out with the projection; unpatched code sends them after it.
    ['notify-apart-from-projection', ['v4-task-worked-run1.json']],
    // v5: recorded while a task signalled its item itself; unpatched code tells it through a local activity.
    ['tell-item-by-local-activity', ['v5-task-worked-run1.json']],
    // v6: recorded while the item heard of every change; unpatched code tells it only of its roll-up's.
    ['tell-item-what-it-rolls-up', ['v6-task-worked-run1.json']],
    // v7: recorded while every action restarted the wake-up timer; unpatched code keeps a timer armed earlier.
    ['keep-timer-unless-earlier', ['v7-task-worked-run1.json']],
  ])('%s made without patched() would break %j', async (patchId, olderFiles) => {
    const idModule = join(await mkdtemp(join(tmpdir(), 'unpatched-')), 'unpatched-id.ts');
    await writeFile(idModule, `export const UNPATCHED_ID: string = ${JSON.stringify(patchId)};\n`);
    const bundle = await bundleWorkflowCode({
      workflowsPath,
      logger: quiet,
      webpackConfigHook: (config) => ({
        ...config,
        resolve: {
          ...config.resolve,
          alias: {
            ...(config.resolve?.alias as object),
            '@temporalio/workflow$': resolve(import.meta.dirname, 'unpatched-workflow-shim.ts'),
            [resolve(import.meta.dirname, 'unpatched-id.ts')]: idModule,
          },
        },
      }),
    });
    for (const file of olderFiles) {
      const error = await Worker.runReplayHistory({ workflowBundle: bundle }, await load(file), 'unpatched').catch((e: unknown) => e);
      expect(error, file).toBeInstanceOf(DeterminismViolationError);
      // It is this change that breaks it, not the shim: the message names no other patch.
      expect(String((error as Error).message), file).not.toMatch(/patch marker encountered/);
    }
  });
});
