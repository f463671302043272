/**
 * Records the histories tests/replay/replay.test.ts replays. Skipped unless RECORD_HISTORIES is set
 * (`RECORD_HISTORIES=1 npx vitest run tests/replay/record-histories.test.ts`); commit what it writes to
 * tests/replay/histories/:
 * - `baseline-*`: today's code (no deployment existed before it, so it has no patches but one);
 * - `before-<patch>-*`: the same scenario through the code as it was before the worked example's
 *   change (its patch taken as false, no marker: see patch-shim.ts), the history a running item
 *   would have had when the change was deployed.
 * Re-record after any change to the workflows' commands that is not behind patched().
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSONValue } from '../../archive/history-json';
import { NOTIFY_APART_FROM_PROJECTION } from '../../workflows/task-outbox';
import { shimmedBundle } from './shimmed-bundle';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  addAssistUpdate,
  assignUpdate,
  cancelItemUpdate,
  changeDeadlineUpdate,
  completeUpdate,
  deadlinesRecomputedSignal,
  decideExtensionUpdate,
  decideTransferUpdate,
  instructUpdate,
  itemStateQuery,
  progressUpdate,
  requestExtensionUpdate,
  requestTransferUpdate,
  reviewUpdate,
  setPublicUpdate,
  signUpdate,
  taskStateQuery,
  taskWorkflowId,
  urgeUpdate,
} from '../../workflows/definitions';
import { engineHarness, eventually, leader, staffOf, supervisor, type EngineHarness } from '../integration/engine/engine-harness';

const recording = Boolean(process.env.RECORD_HISTORIES);
const dir = resolve(import.meta.dirname, 'histories');

/** Every run of a workflow id (continue-as-new makes several), oldest first. */
async function saveRuns(client: Client, workflowId: string, label: string, name: string) {
  await mkdir(dir, { recursive: true });
  const runs: string[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(execution.runId);
  runs.reverse();
  for (const [i, runId] of runs.entries()) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    await writeFile(resolve(dir, `${label}-${name}${runs.length > 1 ? `-run${i + 1}` : ''}.json`), JSON.stringify(historyToJSONValue(history), null, 2));
  }
}

/** A full item: urges, lights, extension, calendar change, return, transfer, continue-as-new, archive. */
async function fullItem(h: EngineHarness, label: string) {
  const { handle, specs, taskHandles } = await h.launch({
    kind: 'meeting_resolution',
    tasks: [{ dueInMs: 60_000 }, { dueInMs: 1_500, policy: { warnBeforeMs: 700 } }],
    options: { archiveAfterMs: 500, urgeEscalateAfterMs: 400, continueAsNewAfterEvents: 80 },
  });
  const boss = supervisor();
  const [t1, t2] = taskHandles as [(typeof taskHandles)[0], (typeof taskHandles)[0]];
  const d1 = staffOf(specs[0]!.departmentId);
  const d2 = staffOf(specs[1]!.departmentId);

  await t1.executeUpdate(urgeUpdate, { args: [{ actor: leader(), message: '请尽快签收' }] });
  await eventually(() => t2.query(taskStateQuery), (s) => s.light === 'red', 10_000);
  await new Promise((r) => setTimeout(r, 1_000)); // both urge escalation steps
  await t1.executeUpdate(signUpdate, { args: [{ actor: d1 }] });
  await t1.executeUpdate(progressUpdate, { args: [{ actor: d1, text: '已部署', percent: 30 }] });
  await t1.executeUpdate(requestExtensionUpdate, { args: [{ actor: d1, reason: '需协调', newDueAt: Date.now() + 120_000 }] });
  await t1.executeUpdate(decideExtensionUpdate, { args: [{ actor: boss, approve: true, comment: '同意' }] });
  await t1.signal(deadlinesRecomputedSignal, { dueAt: Date.now() + 90_000, warnAt: Date.now() + 80_000, reason: '节假日调整' });
  await t1.executeUpdate(completeUpdate, { args: [{ actor: d1, summary: '初稿' }] });
  await t1.executeUpdate(reviewUpdate, { args: [{ actor: boss, decision: 'return', comment: '请补充' }] });
  for (let i = 0; i < 6; i++) await t1.executeUpdate(progressUpdate, { args: [{ actor: d1, text: `补充${i}`, percent: 50 + i }] });
  await t1.executeUpdate(completeUpdate, { args: [{ actor: d1, summary: '终稿' }] });
  await t1.executeUpdate(reviewUpdate, { args: [{ actor: boss, decision: 'accept', comment: '通过' }] });

  const target = crypto.randomUUID();
  await t2.executeUpdate(requestTransferUpdate, { args: [{ actor: d2, reason: '非本单位职责', suggestedDepartmentId: target }] });
  await t2.executeUpdate(decideTransferUpdate, { args: [{ actor: boss, approve: true, comment: '同意转办' }] });
  const item = await eventually(() => handle.query(itemStateQuery), (s) => s.tasks.length === 3 && s.tasks[2]!.version >= 0);
  const t3 = h.client.workflow.getHandle(taskWorkflowId(item.tasks[2]!.id));
  const d3 = staffOf(target);
  await t3.executeUpdate(signUpdate, { args: [{ actor: d3 }] });
  await t3.executeUpdate(completeUpdate, { args: [{ actor: d3, summary: '已办结' }] });
  await t3.executeUpdate(reviewUpdate, { args: [{ actor: boss, decision: 'accept', comment: '通过' }] });
  await handle.result();
  for (const th of [t1, t2, t3]) await th.result();

  await saveRuns(h.client, handle.workflowId, label, 'item-full');
  await saveRuns(h.client, t1.workflowId, label, 'task-worked');
  await saveRuns(h.client, t2.workflowId, label, 'task-transferred');
  await saveRuns(h.client, t3.workflowId, label, 'task-opened-by-transfer');
}

/** The item's own actions on a running item (assist, deadline, instruction, disclosure, assignee), then a cancel. */
async function actedOnAndCancelled(h: EngineHarness, label: string) {
  const { handle, specs, taskHandles } = await h.launch({ tasks: [{}, {}], options: { archiveAfterMs: 300 } });
  const boss = supervisor();
  const d1 = staffOf(specs[0]!.departmentId);
  await taskHandles[0]!.executeUpdate(signUpdate, { args: [{ actor: d1 }] });
  await taskHandles[0]!.executeUpdate(assignUpdate, { args: [{ actor: d1, assignee: { userId: crypto.randomUUID(), name: '李四' } }] });
  const assistId = crypto.randomUUID();
  await handle.executeUpdate(addAssistUpdate, { args: [{ actor: boss, taskId: assistId, departmentId: crypto.randomUUID() }] });
  await handle.executeUpdate(changeDeadlineUpdate, { args: [{ actor: boss, dueAt: Date.now() + 7_200_000, reason: '会议决定延长' }] });
  await handle.executeUpdate(instructUpdate, { args: [{ actor: leader(), id: crypto.randomUUID(), text: '请抓紧落实' }] });
  await handle.executeUpdate(setPublicUpdate, { args: [{ actor: boss, public: true, reason: '依申请公开' }] });
  await eventually(() => h.client.workflow.getHandle(taskWorkflowId(assistId)).query(taskStateQuery), (s) => s.version >= 0);
  await handle.executeUpdate(cancelItemUpdate, { args: [{ actor: boss, reason: '会议决定撤销' }] });
  await handle.result();
  await saveRuns(h.client, handle.workflowId, label, 'item-cancelled');
  await saveRuns(h.client, taskHandles[0]!.workflowId, label, 'task-cancelled');
  await saveRuns(h.client, taskWorkflowId(assistId), label, 'task-assist-cancelled');
}

describe.runIf(recording)('record workflow histories for replay', () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await engineHarness();
  });
  afterAll(() => h?.close());

  it('baseline: a full item', () => fullItem(h, 'baseline'));
  it('baseline: an item acted on and cancelled', () => actedOnAndCancelled(h, 'baseline'));

  it(`before ${NOTIFY_APART_FROM_PROJECTION}: a full item`, async () => {
    const before = await engineHarness({}, { workflowBundle: await shimmedBundle(NOTIFY_APART_FROM_PROJECTION, 'before-change') });
    try {
      await fullItem(before, `before-${NOTIFY_APART_FROM_PROJECTION}`);
    } finally {
      await before.close();
    }
  });
});
