import { documentTokens } from '../../../assist/tokenize';
import { autoDispatchEnabled, departmentNames, insertSuggestion, recordChoice } from '../../../db/queries/ai';
import { autoDispatchPick } from '../../../domain/auto-dispatch';
import type { SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { AppError } from '../../errors';
import { findDuplicates, type Duplicate } from './duplicates';
import { servingModel } from './serving-model';

export interface SuggestionRequest {
  title?: string;
  text: string;
  /** The kind of item being launched or registered: decides whether auto-dispatch may answer. */
  kind?: string;
}

export interface DepartmentSuggestion {
  departmentId: string;
  departmentName: string;
  departmentNameEn: string | null;
  confidence: number;
  terms: string[];
}

export interface SuggestionAnswer {
  /** Pass it to `POST /api/ai/suggestions/:id/choice` once the department is chosen. */
  suggestionId: string;
  modelVersion: number | null;
  suggestions: DepartmentSuggestion[];
  duplicates: Duplicate[];
  /** The model's auto-dispatch threshold on the certainty, the top confidence less the second (null: history cannot promise the target precision). */
  threshold: number | null;
  /** The department to dispatch to without a person, when the kind's switch is on and the certainty (top confidence less the second) reaches the threshold. */
  autoDispatch: { departmentId: string; confidence: number } | null;
  /** Why there are no suggestions, worded for the user; null when there are. */
  notice: { code: 'no_model' | 'model_outdated' | 'no_known_words'; message: string; messageZh: string } | null;
}

const NOTICES = {
  no_model: {
    message: 'No suggestion yet: the model has not been trained on enough history.',
    messageZh: '暂无推荐：历史办件不足，模型尚未训练。',
  },
  model_outdated: {
    message:
      'No suggestion: the model was stored by an earlier version of the platform and cannot be read. Retrain it on the AI assist page.',
    messageZh: '暂无推荐：当前模型由旧版本平台保存，无法读取，请在智能辅助页面重新训练。',
  },
  no_known_words: {
    message: 'No suggestion: none of the words of this text occur in the history.',
    messageZh: '暂无推荐：该内容的词语在历史办件中均未出现。',
  },
} as const;

/**
 * The lead department's top 3 with confidence and the words behind each, and the open items saying
 * the same thing. Every answer is recorded with its model version. Used when an item is launched, and
 * (by the appeals module) when an appeal is registered, with `kind: 'appeal'`.
 */
export async function suggestForText(deps: ApiDeps, user: SessionUser, request: SuggestionRequest): Promise<SuggestionAnswer> {
  const db = deps.database.db;
  const tokens = documentTokens(request.title, request.text);
  const [serving, duplicates] = await Promise.all([servingModel(db), findDuplicates(db, tokens)]);
  const served = 'reason' in serving ? null : serving;
  const ranked = served?.model.suggest(tokens) ?? [];
  const names = new Map(
    (
      await departmentNames(
        db,
        ranked.map((s) => s.label),
      )
    ).map((d) => [d.id, d]),
  );
  const suggestions = ranked.flatMap((s) => {
    const department = names.get(s.label);
    return department
      ? [
          {
            departmentId: s.label,
            departmentName: department.name,
            departmentNameEn: department.nameEn,
            confidence: s.confidence,
            terms: s.terms,
          },
        ]
      : [];
  });
  const top = suggestions[0];
  const threshold = served?.threshold ?? null;
  const switchedOn = top && threshold !== null && request.kind ? await autoDispatchEnabled(db, request.kind) : false;
  const autoDispatch = autoDispatchPick(suggestions, threshold, switchedOn);
  const suggestionId = await insertSuggestion(db, {
    modelVersion: served?.version ?? null,
    requestedBy: user.id,
    suggested: suggestions.map(({ departmentId, confidence, terms }) => ({ departmentId, confidence, terms })),
    topDepartmentId: top?.departmentId ?? null,
    topConfidence: top?.confidence ?? null,
  });
  const notice =
    'reason' in serving
      ? { code: serving.reason, ...NOTICES[serving.reason] }
      : suggestions.length === 0
        ? { code: 'no_known_words' as const, ...NOTICES.no_known_words }
        : null;
  return { suggestionId, modelVersion: served?.version ?? null, suggestions, duplicates, threshold, autoDispatch, notice };
}

/** What the dispatcher finally chose, for the suggestions' accuracy month by month. */
export async function recordSuggestionChoice(
  deps: ApiDeps,
  user: SessionUser,
  id: string,
  choice: { departmentId: string; itemId?: string | null },
): Promise<void> {
  const found = await recordChoice(deps.database.db, id, user.id, { departmentId: choice.departmentId, itemId: choice.itemId ?? null });
  // Another user's suggestion answers as if it did not exist.
  if (!found) throw new AppError('not_found', 'No such suggestion.');
}
