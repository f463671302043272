// Test-only stand-in for @temporalio/workflow in which ONE patch (UNPATCHED_ID) is taken as if its
// change had been made without patched(): always on, no marker. Every other patch behaves as usual,
// so a history fails to replay through it only because of that one change.
import { patched as patchedForReal } from '@temporalio/workflow/lib/index.js';
import { UNPATCHED_ID } from './unpatched-id';

export * from '@temporalio/workflow/lib/index.js';
export function patched(patchId: string): boolean {
  return patchId === UNPATCHED_ID || patchedForReal(patchId);
}
