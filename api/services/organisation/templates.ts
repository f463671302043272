/** Item templates: per-kind defaults and completion-form fields, admin-editable. */
import { getTemplate, listTemplates, saveTemplate, type ItemTemplate, type TemplateKind } from '../../../db/queries/templates';
import type { TemplateSettings } from '../../../db/schema/admin-data';
import type { ApiDeps } from '../../deps';
import { fieldError } from '../../errors';
import { completionSchemaProblem } from '../tasks/completion-form';

function toWire(template: ItemTemplate) {
  const { updatedAt, updatedBy, ...rest } = template;
  return { ...rest, updatedAt: updatedAt?.toISOString() ?? null, updatedBy, isDefault: updatedAt === null };
}

export async function listTemplatesPage(deps: Pick<ApiDeps, 'database'>) {
  const items = (await listTemplates(deps.database.db)).map(toWire);
  return { items, total: items.length, page: 1, pageSize: items.length };
}

export async function readTemplate(deps: Pick<ApiDeps, 'database'>, kind: TemplateKind) {
  return toWire(await getTemplate(deps.database.db, kind));
}

export async function putTemplate(deps: Pick<ApiDeps, 'database'>, kind: TemplateKind, settings: TemplateSettings, by: { id: string }) {
  const problem = completionSchemaProblem(settings.completionFields);
  if (problem) {
    throw fieldError(
      'validation_failed',
      'body.completionFields',
      problem.en,
      `办结表单字段不是可用的 JSON Schema：${problem.zh}`,
      `completionFields is not a usable JSON Schema: ${problem.en}`,
    );
  }
  return toWire(await saveTemplate(deps.database.db, kind, settings, by.id));
}
