// What the engine tests share: a worker on the test's own task queue, a client, and launch helpers.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { Actor, DeadlinePolicy, ItemKind, TaskRole } from '../../../domain';
import { connectDatabase } from '../../../db/client';
import { createQueues } from '../../../jobs/queues';
import { connectRedis } from '../../../jobs/redis';
import { item as itemWorkflow } from '../../../workflows';
import { itemWorkflowId, taskWorkflowId, tasksOpenedUpdate, type ItemInput, type ItemOptions, type TaskSpec } from '../../../workflows/definitions';
import { spawnEntry } from '../../../scripts/platform-processes';
import { closeReplayer } from '../../../audit/verify';
import { testConfig, testServices } from '../../support/services';
import { startTestWorker, testClient } from '../../support/temporal';

export const supervisor = (): Actor => ({ userId: randomUUID(), name: '督查员', role: 'supervisor', departmentId: null });
export const leader = (): Actor => ({ userId: randomUUID(), name: '领导', role: 'leader', departmentId: null });
export const staffOf = (departmentId: string): Actor => ({ userId: randomUUID(), name: '承办人', role: 'department', departmentId });

export function policy(overrides: Partial<DeadlinePolicy> = {}): DeadlinePolicy {
  return {
    warnBeforeMs: 60_000,
    signWithinMs: 3_600_000,
    reportEveryMs: null,
    escalateAfterMs: 3_600_000,
    paceMarginPercent: null,
    workingDays: null,
    ...overrides,
  };
}

export interface TaskPlan {
  departmentId?: string;
  role?: TaskRole;
  /** Due this long after launch. */
  dueInMs?: number;
  policy?: Partial<DeadlinePolicy>;
}

export interface LaunchPlan {
  kind?: ItemKind;
  tasks?: TaskPlan[];
  options?: Partial<ItemOptions>;
}

export async function engineHarness(configOverrides: Record<string, string> = {}, options: { worker?: boolean; workflowBundle?: { code: string } } = {}) {
  const config = testConfig(configOverrides);
  const database = connectDatabase(config.DATABASE_URL, { max: 4 });
  const redis = connectRedis(config.REDIS_URL);
  const queues = createQueues(redis, config.QUEUE_PREFIX);
  // Without an in-process worker the test runs its own (e.g. a child process it can kill).
  const worker = options.worker === false ? null : await startTestWorker(config, { config, db: database.db, queues }, options.workflowBundle ? { workflowBundle: options.workflowBundle } : {});
  const { client, connection } = await testClient(config);
  const launchedBy = supervisor();

  async function launch(plan: LaunchPlan = {}) {
    const now = Date.now();
    const itemId = randomUUID();
    const specs: TaskSpec[] = (plan.tasks ?? [{}]).map((t, i) => ({
      id: randomUUID(),
      departmentId: t.departmentId ?? randomUUID(),
      role: t.role ?? (i === 0 ? 'lead' : 'assist'),
      dueAt: now + (t.dueInMs ?? 3_600_000),
      policy: policy(t.policy),
    }));
    const input: ItemInput = {
      item: {
        id: itemId,
        code: `DB-${itemId.slice(0, 8)}`,
        kind: plan.kind ?? 'leadership_instruction',
        title: '测试督办事项',
        description: '',
        source: 'test',
        issuedBy: randomUUID(),
        public: false,
        dueAt: Math.max(...specs.map((s) => s.dueAt)),
        createdAt: now,
      },
      tasks: specs,
      options: { archiveAfterMs: 3_600_000, urgeEscalateAfterMs: null, ...plan.options },
      launchedBy,
    };
    const handle = await client.workflow.start(itemWorkflow, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: itemWorkflowId(itemId),
      args: [input],
    });
    // One id, asked again when a worker too busy to finish the first workflow task in time left it unanswered.
    const updateId = randomUUID();
    for (let attempt = 1; ; attempt++) {
      try {
        await handle.executeUpdate(tasksOpenedUpdate, { updateId });
        break;
      } catch (error) {
        if (attempt >= 10 || error instanceof WorkflowUpdateFailedError) throw error;
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
    const taskHandles = specs.map((s) => client.workflow.getHandle(taskWorkflowId(s.id)));
    return { input, handle, specs, taskHandles, itemId };
  }

  return {
    config,
    database,
    queues,
    client,
    launchedBy,
    launch,
    async close() {
      await worker?.shutdown();
      await closeReplayer();
      await connection.close();
      await queues.close();
      redis.disconnect();
      await database.close();
    },
  };
}

export type EngineHarness = Awaited<ReturnType<typeof engineHarness>>;

/** Polls until `probe` returns a truthy value (or fails with the last value seen). */
export async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000, everyMs = 150): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (ok(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(last)}; last error: ${String(lastError)}`);
}

/** Whether any UpdateAccepted event in the workflow's history carries this update id. */
export async function historyHasUpdate(client: Client, handle: WorkflowHandle, updateId: string): Promise<boolean> {
  const history = await client.workflow.getHandle(handle.workflowId).fetchHistory();
  return (history.events ?? []).some(
    (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === updateId,
  );
}

/**
 * A worker in a process of its own on the harness's task queue, for tests that kill it or take its
 * Temporal away: `entry` is worker/main.ts or tests/support/worker-process.ts. Started as
 * `node --import tsx` (spawnEntry), not through the tsx CLI, whose grandchild a SIGKILL would miss.
 * Resolves once its output shows `ready`; everything it prints is appended to `output.text`.
 */
export function startWorkerProcess(
  h: EngineHarness,
  options: { entry: string; ready: string; env?: Record<string, string>; output?: { text: string } },
): Promise<ChildProcess> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    TEMPORAL_ADDRESS: h.config.TEMPORAL_ADDRESS,
    TEMPORAL_NAMESPACE: h.config.TEMPORAL_NAMESPACE,
    TEMPORAL_TASK_QUEUE: h.config.TEMPORAL_TASK_QUEUE,
    DATABASE_URL: h.config.DATABASE_URL,
    REDIS_URL: h.config.REDIS_URL,
    QUEUE_PREFIX: h.config.QUEUE_PREFIX,
    SESSION_SECRET: h.config.SESSION_SECRET,
    LOG_LEVEL: 'silent',
    WORKFLOW_BUNDLE_PATH: testServices().workflowBundlePath,
    ...options.env,
  };
  const output = options.output ?? { text: '' };
  const child = spawnEntry(options.entry, env, ['ignore', 'pipe', 'pipe']);
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.text += chunk.toString();
      if (output.text.includes(options.ready)) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${options.entry} exited (${code}) before it was ready:\n${output.text}`)));
  });
}
