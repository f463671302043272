/**
 * Auto-dispatch of a newly registered appeal (issue 18): when an admin switched it on for `appeal` and
 * the served model's certainty reaches the model's threshold (domain autoDispatchPick), the
 * appeal is dispatched there by the auto-dispatch system user, without a person. The suggestion is
 * recorded with its model version and the department it went to (the accuracy month by month counts
 * it); the item's timeline names the system user with the confidence, the audit log has its row.
 * Otherwise nothing happens: the appeal waits for a dispatcher as before.
 */
import { documentTokens } from '../../../assist/tokenize';
import { autoDispatchEnabled, departmentNames, insertSuggestion } from '../../../db/queries/ai';
import { appendAuditEntry } from '../../../db/queries/audit-log';
import type { AppealRow } from '../../../db/schema/appeals';
import { AUTO_DISPATCH_USER, autoDispatchActorName, autoDispatchPick } from '../../../domain/auto-dispatch';
import type { ApiDeps } from '../../deps';
import { servingModel } from '../ai/serving-model';
import { firstDispatch } from './dispatch';

type Deps = Pick<ApiDeps, 'config' | 'database' | 'temporal'>;

export interface AutoDispatched {
  departmentId: string;
  departmentName: string;
  departmentNameEn: string | null;
  confidence: number;
  modelVersion: number;
}

/** The department the appeal was dispatched to without a person, or null when it waits for one. */
export async function autoDispatchRegistered(deps: Deps, appeal: AppealRow): Promise<AutoDispatched | null> {
  const db = deps.database.db;
  if (!(await autoDispatchEnabled(db, 'appeal'))) return null;
  const served = await servingModel(db);
  // No model, or one stored by an older version: the appeal waits for a person.
  if ('reason' in served) return null;
  const ranked = served.model.suggest(documentTokens(appeal.title, appeal.text));
  const pick = autoDispatchPick(
    ranked.map((s) => ({ departmentId: s.label, confidence: s.confidence })),
    served.threshold,
    true,
  );
  // A department the model learnt but that has since been removed is no one to dispatch to.
  const [department] = pick ? await departmentNames(db, [pick.departmentId]) : [];
  if (!pick || !department) return null;
  const actor = { userId: AUTO_DISPATCH_USER.id, name: autoDispatchActorName(pick.confidence), role: 'system' as const, departmentId: null };
  await firstDispatch(deps, { userId: AUTO_DISPATCH_USER.id, actor }, appeal, { departmentId: pick.departmentId });
  const now = new Date();
  const suggestionId = await insertSuggestion(db, {
    modelVersion: served.version,
    requestedBy: AUTO_DISPATCH_USER.id,
    suggested: ranked.map((s) => ({ departmentId: s.label, confidence: s.confidence, terms: s.terms })),
    topDepartmentId: pick.departmentId,
    topConfidence: pick.confidence,
    chosenDepartmentId: pick.departmentId,
    chosenAt: now,
    itemId: appeal.id,
  });
  await appendAuditEntry(db, {
    at: now,
    actorId: AUTO_DISPATCH_USER.id,
    actorUsername: AUTO_DISPATCH_USER.username,
    actorRole: 'system',
    actorDepartmentId: null,
    action: 'AUTO-DISPATCH /api/appeals/:id/dispatch',
    path: `/api/appeals/${appeal.id}/dispatch`,
    targetId: appeal.id,
    status: 200,
    // The recorded suggestion: its model version, confidence and the department chosen.
    requestId: `ai-suggestion:${suggestionId}`,
  });
  return { departmentId: department.id, departmentName: department.name, departmentNameEn: department.nameEn, confidence: pick.confidence, modelVersion: served.version };
}
