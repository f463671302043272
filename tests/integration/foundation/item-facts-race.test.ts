/**
 * A task row carries its item's facts (kind, issuer, launch time, public flag), copied by triggers
 * from whichever row arrives second. Two transactions inserting the task and its item at the same
 * moment each used to miss the other, leaving the task without them for good (migration 0036). Here
 * the two inserts really overlap, in both orders, on two connections of a database of the test's own.
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../../db/migrate';
import { databaseOfItsOwn } from '../../support/services';

const url = databaseOfItsOwn('supervision_facts_race');
let first: postgres.Sql;
let second: postgres.Sql;

beforeAll(async () => {
  await runMigrations(url);
  first = postgres(url, { max: 1, onnotice: () => {} });
  second = postgres(url, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await Promise.all([first?.end(), second?.end()]);
});

const launchedAt = new Date('2026-11-20T02:00:00Z');
const dueAt = new Date('2026-12-20T02:00:00Z');

function insertItem(tx: postgres.TransactionSql, id: string) {
  return tx`insert into items (id, code, kind, title, status, light, issued_by, due_at, created_at, launched_at, workflow_id, version, public)
    values (${id}, ${`DB-R-${id.slice(0, 8)}`}, 'meeting_resolution', '并发写入测试', 'in_progress', 'green', ${randomUUID()},
            ${dueAt}, ${launchedAt}, ${launchedAt}, ${`item-${id}`}, 0, true)`;
}

function insertTask(tx: postgres.TransactionSql, id: string, itemId: string) {
  return tx`insert into tasks (id, item_id, department_id, role, status, light, light_reason_code, light_reason_en, light_reason_zh,
                               sign_due_at, warn_at, due_at, original_due_at, started_at, workflow_id, version)
    values (${id}, ${itemId}, ${randomUUID()}, 'lead', 'assigned', 'green', 'on_track', 'on track', '正常推进',
            ${dueAt}, ${dueAt}, ${dueAt}, ${dueAt}, ${launchedAt}, ${`task-${id}`}, 0)`;
}

/** Runs `work` in a transaction that waits for `release` before it commits; `started` resolves once `work` is done. */
function heldOpen(sql: postgres.Sql, work: (tx: postgres.TransactionSql) => Promise<unknown>, release: Promise<void>) {
  let started!: () => void;
  const done = new Promise<void>((resolve) => (started = resolve));
  const committed = sql.begin(async (tx) => {
    await work(tx);
    started();
    await release;
  });
  return { done, committed };
}

async function factsOf(taskId: string) {
  const [row] = await first`select item_kind, item_launched_at, item_public from tasks where id = ${taskId}`;
  return row;
}

describe('a task and its item inserted at the same moment', () => {
  it('the task inserted first, its item while the task is not yet committed: the task gets the facts', async () => {
    const [itemId, taskId] = [randomUUID(), randomUUID()];
    let release!: () => void;
    const task = heldOpen(first, (tx) => insertTask(tx, taskId, itemId), new Promise((r) => (release = r)));
    await task.done;
    // The item's insert waits for the task's transaction, then copies to the task it can now see.
    const item = second.begin((tx) => insertItem(tx, itemId));
    await new Promise((r) => setTimeout(r, 300));
    release();
    await Promise.all([task.committed, item]);
    expect(await factsOf(taskId)).toEqual({ item_kind: 'meeting_resolution', item_launched_at: launchedAt, item_public: true });
  });

  it('the item inserted first, its task while the item is not yet committed: the task gets the facts', async () => {
    const [itemId, taskId] = [randomUUID(), randomUUID()];
    let release!: () => void;
    const item = heldOpen(first, (tx) => insertItem(tx, itemId), new Promise((r) => (release = r)));
    await item.done;
    // The task's insert finds no item yet, waits for the item's transaction, and looks again.
    const task = second.begin((tx) => insertTask(tx, taskId, itemId));
    await new Promise((r) => setTimeout(r, 300));
    release();
    await Promise.all([item.committed, task]);
    expect(await factsOf(taskId)).toEqual({ item_kind: 'meeting_resolution', item_launched_at: launchedAt, item_public: true });
  });

  it('a task whose item never comes is inserted without waiting, and catches up when the item arrives', async () => {
    const [itemId, taskId] = [randomUUID(), randomUUID()];
    const started = Date.now();
    await first.begin((tx) => insertTask(tx, taskId, itemId));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await factsOf(taskId)).toMatchObject({ item_kind: null, item_public: false });
    await second.begin((tx) => insertItem(tx, itemId));
    expect(await factsOf(taskId)).toMatchObject({ item_kind: 'meeting_resolution', item_public: true });
  });
});
