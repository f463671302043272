/**
 * Records the histories tests/replay/replay.test.ts replays. Skipped unless RECORD_HISTORIES names a
 * label (e.g. `RECORD_HISTORIES=v2 npx vitest run tests/replay/record-histories.test.ts`); commit what
 * it writes to tests/replay/histories/. Histories recorded before a change keep that change honest.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSONValue } from '../../audit/history-json';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  cancelItemUpdate,
  completeUpdate,
  deadlinesRecomputedSignal,
  decideExtensionUpdate,
  decideTransferUpdate,
  itemStateQuery,
  progressUpdate,
  requestExtensionUpdate,
  requestTransferUpdate,
  reviewUpdate,
  signUpdate,
  taskStateQuery,
  taskWorkflowId,
  urgeUpdate,
} from '../../workflows/definitions';
import { engineHarness, eventually, leader, staffOf, supervisor, type EngineHarness } from '../integration/engine/engine-harness';

const label = process.env.RECORD_HISTORIES;
const dir = resolve(import.meta.dirname, 'histories');

/** Every run of a workflow id (continue-as-new makes several), oldest first. */
async function saveRuns(client: Client, workflowId: string, name: string) {
  const runs: string[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(execution.runId);
  runs.reverse();
  for (const [i, runId] of runs.entries()) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    await writeFile(resolve(dir, `${label}-${name}${runs.length > 1 ? `-run${i + 1}` : ''}.json`), JSON.stringify(historyToJSONValue(history), null, 2));
  }
}

describe.runIf(label)('record workflow histories for replay', () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await engineHarness();
  });
  afterAll(() => h?.close());

  it('a full item: urges, lights, extension, calendar change, return, transfer, continue-as-new, archive', async () => {
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
    const t3id = item.tasks[2]!.id;
    const t3 = h.client.workflow.getHandle(taskWorkflowId(t3id));
    const d3 = staffOf(target);
    await t3.executeUpdate(signUpdate, { args: [{ actor: d3 }] });
    await t3.executeUpdate(completeUpdate, { args: [{ actor: d3, summary: '已办结' }] });
    await t3.executeUpdate(reviewUpdate, { args: [{ actor: boss, decision: 'accept', comment: '通过' }] });
    await handle.result();
    for (const th of [t1, t2, t3]) await th.result();

    await saveRuns(h.client, handle.workflowId, 'item-full');
    await saveRuns(h.client, t1.workflowId, 'task-worked');
    await saveRuns(h.client, t2.workflowId, 'task-transferred');
    await saveRuns(h.client, t3.workflowId, 'task-opened-by-transfer');
  });

  it('a cancelled item', async () => {
    const { handle, specs, taskHandles } = await h.launch({ tasks: [{}, {}], options: { archiveAfterMs: 300 } });
    await taskHandles[0]!.executeUpdate(signUpdate, { args: [{ actor: staffOf(specs[0]!.departmentId) }] });
    await handle.executeUpdate(cancelItemUpdate, { args: [{ actor: supervisor(), reason: '会议决定撤销' }] });
    await handle.result();
    await saveRuns(h.client, handle.workflowId, 'item-cancelled');
    await saveRuns(h.client, taskHandles[0]!.workflowId, 'task-cancelled');
  });
});
