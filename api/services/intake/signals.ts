// A signal becomes a verification item, once per (source, external id). The rule of the signal's
// source and risk level says which department verifies it, in whose name and by when; a repeat
// updates the signal's subject, risk and details and never makes a second item.
import { randomUUID } from 'node:crypto';
import { existingDepartmentIds, findItem, listItemTasks } from '../../../db/queries/items';
import { findIntakeRule, findSignalOfItem, insertSignalIfNew, recordSignalRepeat } from '../../../db/queries/intake';
import { DurationError, parseDuration, type Actor } from '../../../domain';
import { verificationLaunchOf, verificationTextOf } from '../../../domain/intake';
import { verificationDepartmentOf } from '../../../domain/matters';
import { findMatterByCode, tieItemToMatter } from '../../../db/queries/matters';
import { matterNamed } from '../matters/catalogue';
import { updateSignalUpdate } from '../../../workflows/definitions';
import { assertDepartmentVisible, type SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { AppError, fieldError, ruleRefusal } from '../../errors';
import type { SignalBody } from '../../schemas/intake';
import { launchCheckedItem, launchIdsOf, LaunchWithdrawn, stableUuid } from '../items/commands';
import { deliverUpdate } from '../temporal/deliver-update';
import { appErrorOfUpdate } from '../temporal/workflow-errors';
import type { ServiceCaller } from './signed-requests';

type IntakeDeps = Pick<ApiDeps, 'config' | 'database' | 'temporal'>;

/** The item a signal of this source and external id starts: the same pair always names the same item. */
export const signalItemId = (source: string, externalId: string) => stableUuid(`signal:${source}\u0000${externalId}`);

/** Who a verification item's history says launched it: the system, on the service account's behalf. */
function systemActorOf(caller: ServiceCaller): Actor {
  return { userId: caller.id, name: `${caller.name}（${caller.source}）`, role: 'system', departmentId: null };
}

export async function receiveSignal(deps: IntakeDeps, caller: ServiceCaller, body: SignalBody): Promise<{ itemId: string; created: boolean }> {
  const db = deps.database.db;
  // An account posts for its own source only: another source's name is as unknown as a wrong key.
  if (body.source !== caller.source) throw new AppError('unauthenticated', 'Signal refused: this account does not post for that source.');
  const latest = { subject: body.subject, riskLevel: body.riskLevel, details: body.details ?? null };
  const key = { source: body.source, externalId: body.externalId };
  const known = await recordSignalRepeat(db, key, latest);
  if (known) return repeated(deps, caller, body, known);

  const rule = await findIntakeRule(db, body.source, body.riskLevel);
  if (!rule) throw ruleRefusal('body.riskLevel', `no intake rule for source ${body.source} at this risk level`, `来源 ${body.source} 的该风险等级没有配置核查规则`);
  const matter = await signalMatter(deps, body.matterCode, rule.matterId);
  const departmentId = verificationDepartmentOf({ signalDepartmentId: body.departmentId, matterDepartmentId: matter?.departmentId, ruleDepartmentId: rule.departmentId });
  if (body.departmentId && !(await existingDepartmentIds(db, [body.departmentId])).has(body.departmentId)) {
    throw ruleRefusal('body.departmentId', 'no such department', '没有这个单位');
  }
  const now = Date.now();
  const input = verificationLaunchOf(body, { departmentId, dueInWorkingDays: rule.dueInWorkingDays, dueWithinMs: dueWithinMs(rule.dueWithin) }, departmentId, now);
  const ids = launchIdsOf(signalItemId(body.source, body.externalId), 1);
  try {
    await launchCheckedItem(deps, {
      input,
      ids,
      actor: systemActorOf(caller),
      issuedBy: Promise.resolve(rule.issuedBy),
      // The signal's row first: a racer with the same pair waits here for this launch, then finds it.
      alsoWrite: async (tx) => {
        const claimed = await insertSignalIfNew(tx, { ...key, ...latest, itemId: ids.itemId, serviceAccountId: caller.id, departmentId, ruleId: rule.id });
        if (!claimed) throw new LaunchWithdrawn('signal already received');
        if (matter) await tieItemToMatter(tx, ids.itemId, matter.id);
      },
    });
    return { itemId: ids.itemId, created: true };
  } catch (error) {
    if (!(error instanceof LaunchWithdrawn)) throw error;
    const itemId = await recordSignalRepeat(db, key, latest);
    if (!itemId) throw new AppError('conflict', 'The signal is being received by another request; retry.');
    return repeated(deps, caller, body, itemId);
  }
}

/**
 * A repeat: the item's title and description follow the latest details, through the item's workflow
 * (its history says "预警信息已更新 / Signal details updated"). An archived item keeps its words; the
 * signal's row has them.
 */
async function repeated(deps: IntakeDeps, caller: ServiceCaller, body: SignalBody, itemId: string): Promise<{ itemId: string; created: false }> {
  const row = await findItem(deps.database.db, itemId);
  if (!row) return { itemId, created: false };
  const { title, description } = verificationTextOf(body);
  try {
    await deliverUpdate(deps.temporal.workflow.getHandle(row.workflowId), updateSignalUpdate, {
      args: [{ actor: systemActorOf(caller), subject: body.subject, riskLevel: body.riskLevel, title, description }],
      updateId: `signal-repeat:${randomUUID()}`,
    });
  } catch (error) {
    const mapped = appErrorOfUpdate(error, 'The verification item has ended.');
    if (!(mapped instanceof AppError && mapped.code === 'wrong_state')) throw mapped;
  }
  return { itemId, created: false };
}

/** The signal's matter (by its code: 400 on an unknown one), else the rule's, else none. */
async function signalMatter(deps: IntakeDeps, matterCode: string | undefined, ruleMatterId: string | null) {
  if (matterCode !== undefined) {
    const matter = await findMatterByCode(deps.database.db, matterCode);
    if (!matter) throw fieldError('validation_failed', 'body.matterCode', 'no supervision matter has this code', '没有该编码的监管事项');
    return matter;
  }
  return ruleMatterId ? matterNamed(deps, ruleMatterId, 'rule.matterId') : null;
}

function dueWithinMs(value: string | null): number | null {
  if (value === null) return null;
  try {
    return parseDuration(value);
  } catch (error) {
    if (error instanceof DurationError) throw ruleRefusal('rule.dueWithin', `the intake rule's deadline is not a duration: ${value}`, `核查规则的期限不是有效时长：${value}`);
    throw error;
  }
}

/** The signal behind a verification item, to whoever may read the item (404 otherwise, and for any other item). */
export async function signalOfItem(deps: Pick<ApiDeps, 'database'>, user: SessionUser, itemId: string) {
  const [row, tasks] = await Promise.all([findSignalOfItem(deps.database.db, itemId), listItemTasks(deps.database.db, itemId)]);
  if (!row) throw new AppError('not_found', 'No signal behind this item.');
  assertDepartmentVisible(user, tasks.map((t) => t.departmentId), 'item');
  return {
    source: row.source,
    externalId: row.externalId,
    subject: row.subject,
    riskLevel: row.riskLevel,
    details: (row.details ?? null) as Record<string, unknown> | null,
    receivedCount: row.receivedCount,
    firstReceivedAt: row.firstReceivedAt.toISOString(),
    lastReceivedAt: row.lastReceivedAt.toISOString(),
    resultDeliveryId: row.resultDeliveryId,
  };
}
