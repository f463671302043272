/** Launch bodies and polling for tests that drive items through the API. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** An ISO instant `ms` from now. */
export function fromNow(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}

export interface LaunchTask {
  departmentId: string;
  role: 'lead' | 'assist';
  dueAt?: string;
}

/** A valid launch body: a leadership instruction due in 10 days, with the given tasks. */
export function launchBody(issuedBy: string, tasks: LaunchTask[], overrides: Record<string, unknown> = {}) {
  return {
    kind: 'leadership_instruction',
    title: `测试事项 ${Math.random().toString(36).slice(2, 8)}`,
    description: 'launched by a test',
    source: '县政府常务会议纪要〔2026〕1号',
    issuedBy,
    dueAt: fromNow(10 * DAY),
    warnBefore: 'P2D',
    signWithin: 'P1D',
    public: false,
    tasks,
    ...overrides,
  };
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Whether Temporal knows a workflow with this id (in any state). */
export async function workflowExists(client: Client, workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
