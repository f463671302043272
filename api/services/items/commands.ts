/**
 * Launching and cancelling items. A launch is checked whole (launch-plan.ts) before anything is
 * written; then its read-model rows are inserted and its workflow started in ONE database
 * transaction that commits only once Temporal has accepted the start. A failed start rolls the
 * rows back, so nothing is half-applied; if the commit itself fails after the start, the workflow
 * is terminated (and were that to fail too, its own projections would write the rows: Temporal
 * holds the truth, the rows are a view of it).
 */
import { createHash, randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { findItem, insertLaunchedItem, listItemTasks, nextItemCode, existingDepartmentIds } from '../../../db/queries/items';
import { taskRowOf } from '../../../db/queries/items-projection';
import { getTemplate } from '../../../db/queries/templates';
import { findUserById } from '../../../db/queries/users';
import { rollUpItem, taskToWire, type Actor, type Instant } from '../../../domain';
import type { Executor } from '../../../db/client';
import { cancelItemUpdate, itemWorkflowId, taskWorkflowId, type ItemInput, type ItemWire } from '../../../workflows/definitions';
import type { item as itemWorkflow } from '../../../workflows/item';
import { actorOf, type SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { AppError, fieldError, ruleRefusal } from '../../errors';
import type { LaunchInput, LaunchItemBody } from '../../schemas/items';
import { loadWorkCalendar } from '../organisation/calendar';
import { deliverUpdate } from '../temporal/deliver-update';
import { calendarYears, checkTaskSet, parseLaunchTiming, planDeadlines, type LaunchPlan } from './launch-plan';
import { itemRowToWire, taskRowToWire } from './read-model-wire';
import { updateIdFor } from '../temporal/update-ids';
import { appErrorOfUpdate } from '../temporal/workflow-errors';

type ItemDeps = Pick<ApiDeps, 'config' | 'database' | 'temporal'>;

/** How long a finished item stays before it is archived and its workflows end. */
export const ARCHIVE_AFTER_MS = 30 * 24 * 3_600_000;

/**
 * An item's workflows hand over to a fresh run (continue-as-new) once a run's history passes this many
 * events. A worker that has not got a workflow cached (it restarted, or evicted it) replays the run
 * from its first event to take the next step, ~0.7 ms of CPU an event (bench/item-cost, cold replay):
 * this bounds that at ~70 ms, where Temporal's own suggestion (thousands of events) allows seconds.
 * An item of 3 tasks stays under it over its whole life (61–91 events a workflow); a task urged
 * eight times hands over once.
 */
export const HAND_OVER_AFTER_EVENTS = 100;

/** A UUID derived from a seed: the same seed always names the same record. */
export const stableUuid = (seed: string) => {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/**
 * The item id a launch with this Idempotency-Key gets: a retry after a lost answer (whose stored
 * reply was freed by a 5xx) finds the same item instead of launching a second one.
 */
export function launchItemId(userId: string, key: string): string {
  return stableUuid(`launch:${userId}:${key}`);
}

/** The ids of an item's records: its tasks' follow from the item's. */
export function launchIdsOf(itemId: string, taskCount: number): LaunchIds {
  return { itemId, taskIds: Array.from({ length: taskCount }, (_, i) => stableUuid(`${itemId}:task:${i}`)) };
}
export interface LaunchIds {
  itemId: string;
  taskIds: string[];
}

async function checkIssuer(deps: ItemDeps, user: SessionUser, issuedBy: string | undefined): Promise<string> {
  if (issuedBy === undefined) {
    if (user.role === 'leader') return user.id;
    throw fieldError(
      'validation_failed',
      'body.issuedBy',
      'required: the id of the issuing leader',
      '须指定批示领导',
      'body.issuedBy: the issuing leader is required',
    );
  }
  // Supervisors record instructions on any leader's behalf; a leader issues only their own.
  if (user.role === 'leader' && issuedBy !== user.id) {
    throw fieldError(
      'forbidden',
      'body.issuedBy',
      'a leader may name only themselves as the issuing leader',
      '领导只能以本人名义批示',
      'body.issuedBy: a leader may launch an item only under their own name',
    );
  }
  const issuer = await findUserById(deps.database.db, issuedBy);
  if (!issuer || issuer.disabled) throw ruleRefusal('body.issuedBy', 'no such user', '没有这个用户');
  if (issuer.role !== 'leader') throw ruleRefusal('body.issuedBy', 'the issuing user must have the role leader', '批示人须是领导');
  return issuer.id;
}

async function checkDepartments(deps: ItemDeps, input: LaunchInput): Promise<void> {
  const known = await existingDepartmentIds(
    deps.database.db,
    input.tasks.map((t) => t.departmentId),
  );
  input.tasks.forEach((t, i) => {
    if (!known.has(t.departmentId)) throw ruleRefusal(`body.tasks.${i}.departmentId`, 'no such department', '没有这个单位');
  });
}

export interface LaunchedItem {
  id: string;
  code: string;
  workflowId: string;
  kind: LaunchInput['kind'];
  title: string;
  light: ItemWire['light'];
  status: ItemWire['status'];
  issuedBy: string;
  dueAt: string;
  public: boolean;
  createdAt: string;
  tasks: ReturnType<typeof taskToWire>[];
}

/** The answer for an item launched before with the same Idempotency-Key (its answer was lost). */
async function alreadyLaunched(deps: ItemDeps, itemId: string): Promise<LaunchedItem | null> {
  const row = await findItem(deps.database.db, itemId);
  if (!row) return null;
  const item = itemRowToWire(row);
  const tasks = (await listItemTasks(deps.database.db, itemId)).map(taskRowToWire);
  return { ...item, tasks };
}

export async function launchItem(
  deps: ItemDeps,
  user: SessionUser,
  input: LaunchItemBody,
  idempotencyKey: string | null = null,
): Promise<LaunchedItem> {
  const ids = launchIdsOf(idempotencyKey ? launchItemId(user.id, idempotencyKey) : randomUUID(), input.tasks.length);
  const earlier = idempotencyKey ? await alreadyLaunched(deps, ids.itemId) : null;
  if (earlier) return earlier;
  return launchCheckedItem(deps, { input, ids, actor: actorOf(user), issuedBy: checkIssuer(deps, user, input.issuedBy) });
}

/**
 * Launches an item whose id is already fixed (an appeal's item has the appeal's id) and whose
 * issuer is whoever the caller names (an appeal's, the dispatcher); the actor is the dispatcher, or
 * the auto-dispatch system user.
 */
export function launchWithId(
  deps: ItemDeps,
  actor: Actor,
  input: LaunchInput,
  issuedBy: string,
  itemId: string,
  alsoWrite?: LaunchRequest['alsoWrite'],
): Promise<LaunchedItem> {
  return launchCheckedItem(deps, { input, ids: launchIdsOf(itemId, input.tasks.length), actor, issuedBy: Promise.resolve(issuedBy), alsoWrite });
}

/** Thrown by a launch's `alsoWrite` to withdraw the launch: nothing is written or started, and it is rethrown as is. */
export class LaunchWithdrawn extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LaunchWithdrawn';
  }
}

export interface LaunchRequest {
  input: LaunchInput;
  ids: LaunchIds;
  /** Who launches: a user, or the system on an outside caller's behalf. */
  actor: Actor;
  /** The issuing leader, checked by the caller (a promise, so the check runs beside the others). */
  issuedBy: Promise<string>;
  /** Written first in the launch's transaction; may throw LaunchWithdrawn. */
  alsoWrite?: (tx: Executor) => Promise<void>;
}

/** A launch whose caller is already authorised: checked whole, then rows and workflow together. */
export async function launchCheckedItem(deps: ItemDeps, request: LaunchRequest): Promise<LaunchedItem> {
  const { input, ids } = request;
  // Awaited below; a refusal of the checks before it must not leave it rejected unheard.
  request.issuedBy.catch(() => {});
  const now: Instant = Date.now();
  const db = deps.database.db;
  // Everything is checked before anything is written or started.
  checkTaskSet(input);
  const template = await getTemplate(db, input.kind);
  const timing = parseLaunchTiming(input, template, now);
  const [issuedBy] = await Promise.all([request.issuedBy, checkDepartments(deps, input)]);
  const { fromYear, toYear } = calendarYears(timing, now);
  const calendar = await loadWorkCalendar(db, fromYear, toYear);
  const plan = planDeadlines(input, timing, template, calendar, ids, now);

  const code = await nextItemCode(db, fromYear);
  const workflowId = itemWorkflowId(ids.itemId);
  const rollUp = rollUpItem(plan.tasks.map((t) => t.initial));
  const workflowInput: ItemInput = {
    item: {
      id: ids.itemId,
      code,
      kind: input.kind,
      title: input.title,
      description: input.description ?? '',
      source: input.source ?? '',
      issuedBy,
      public: input.public,
      dueAt: plan.dueAt,
      createdAt: now,
    },
    tasks: plan.tasks.map(({ id, departmentId, role, dueAt, warnAt, signDueAt, policy }) => ({
      id,
      departmentId,
      role,
      dueAt,
      warnAt,
      signDueAt,
      policy,
    })),
    options: { archiveAfterMs: ARCHIVE_AFTER_MS, urgeEscalateAfterMs: timing.urgeEscalateAfterMs, continueAsNewAfterEvents: HAND_OVER_AFTER_EVENTS },
    launchedBy: request.actor,
  };

  await startWithRows(deps, workflowInput, plan, rollUp, now, request.alsoWrite);
  return {
    id: ids.itemId,
    code,
    workflowId,
    kind: input.kind,
    title: input.title,
    light: rollUp.light,
    status: rollUp.status,
    issuedBy,
    dueAt: new Date(plan.dueAt).toISOString(),
    public: input.public,
    createdAt: new Date(now).toISOString(),
    tasks: plan.tasks.map((t) => taskToWire(t.initial)),
  };
}

async function startWithRows(
  deps: ItemDeps,
  input: ItemInput,
  plan: LaunchPlan,
  rollUp: ReturnType<typeof rollUpItem>,
  now: Instant,
  alsoWrite?: LaunchRequest['alsoWrite'],
) {
  const { item } = input;
  const workflowId = itemWorkflowId(item.id);
  let started = false;
  try {
    await deps.database.db.transaction(async (tx) => {
      if (alsoWrite) await alsoWrite(tx);
      // Version 0: the workflow's first projection (same content, higher version) replaces these rows.
      await insertLaunchedItem(
        tx,
        {
          ...item,
          dueAt: new Date(item.dueAt),
          createdAt: new Date(now),
          launchedAt: new Date(now),
          status: rollUp.status,
          light: rollUp.light,
          departmentIds: plan.tasks.map((t) => t.departmentId),
          workflowId,
          version: 0,
        },
        plan.tasks.map(({ initial: s }) => taskRowOf(s, { workflowId: taskWorkflowId(s.id), transferredFrom: null, version: 0 })),
      );
      await deps.temporal.workflow.start<typeof itemWorkflow>('item', {
        workflowId,
        taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
        args: [input],
      });
      started = true;
    });
  } catch (error) {
    if (started) {
      // The commit failed after Temporal accepted the start: take the start back.
      await deps.temporal.workflow
        .getHandle(workflowId)
        .terminate('launch rolled back: its read-model rows could not be saved')
        .catch(() => {});
      throw error;
    }
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw new AppError('conflict', 'This item was already launched (same Idempotency-Key); retry to get its answer.');
    }
    if (error instanceof AppError || error instanceof LaunchWithdrawn) throw error;
    throw appErrorOfUpdate(error, 'The item could not be launched.');
  }
}

/** Supervisor only (route); the item workflow cancels every open task with the reason. */
export async function cancelItem(
  deps: ItemDeps,
  user: SessionUser,
  itemId: string,
  reason: string,
  idempotencyKey: string | null,
): Promise<ItemWire> {
  const row = await findItem(deps.database.db, itemId);
  if (!row) throw new AppError('not_found', 'No such item.');
  if (row.status === 'cancelled' || row.status === 'completed' || row.status === 'archived') {
    throw new AppError('wrong_state', `The item is already ${row.status}; it cannot be cancelled.`);
  }
  try {
    return await deliverUpdate(deps.temporal.workflow.getHandle(row.workflowId), cancelItemUpdate, {
      args: [{ actor: actorOf(user), reason }],
      updateId: updateIdFor(user.id, idempotencyKey),
    });
  } catch (error) {
    throw appErrorOfUpdate(error, `The item is already ${row.status === 'in_progress' ? 'finished' : row.status}; it cannot be cancelled.`);
  }
}
