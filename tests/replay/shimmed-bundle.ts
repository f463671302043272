// A workflow bundle in which one patch is overridden (see patch-shim.ts).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../../workflows/path';

const quiet = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} } as never;

export async function shimmedBundle(patchId: string, mode: 'before-change' | 'made-without-patched'): Promise<{ code: string }> {
  const modeModule = join(await mkdtemp(join(tmpdir(), 'patch-mode-')), 'patch-mode.ts');
  await writeFile(modeModule, `export const PATCH_ID: string = ${JSON.stringify(patchId)};\nexport const PATCH_MODE = ${JSON.stringify(mode)};\n`);
  return bundleWorkflowCode({
    workflowsPath,
    logger: quiet,
    webpackConfigHook: (config) => ({
      ...config,
      resolve: {
        ...config.resolve,
        alias: {
          ...(config.resolve?.alias as object),
          '@temporalio/workflow$': resolve(import.meta.dirname, 'patch-shim.ts'),
          [resolve(import.meta.dirname, 'patch-mode.ts')]: modeModule,
        },
      },
    }),
  });
}
