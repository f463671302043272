// Test-only stand-in for @temporalio/workflow in which patched() is always true: the task workflow's
// patched change as if it had been made WITHOUT patching. Replaying an old history through it must fail.
export * from '@temporalio/workflow/lib/index.js';
export function patched(_patchId: string): boolean {
  return true;
}
