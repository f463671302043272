// Test-only stand-in for @temporalio/workflow in which ONE patch (PATCH_ID) is overridden, without a
// marker: 'before-change' takes it as false (the code as it was before the change: what recorded the
// pre-change histories), 'made-without-patched' as true (the change made without patched(): what the
// replay test shows would break them). Every other patch behaves as usual.
import { patched as patchedForReal } from '@temporalio/workflow/lib/index.js';
import { PATCH_ID, PATCH_MODE } from './patch-mode';

export * from '@temporalio/workflow/lib/index.js';
export function patched(patchId: string): boolean {
  if (patchId === PATCH_ID) return PATCH_MODE === 'made-without-patched';
  return patchedForReal(patchId);
}
