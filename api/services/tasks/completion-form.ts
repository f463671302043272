/**
 * Completion-report forms: each template's `completionFields` is a JSON Schema (checked to be one
 * when the admin saves it); a submitted form is validated against it with the field named on error.
 */
import { createHash } from 'node:crypto';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import localizeZh from 'ajv-i18n/localize/zh/index.js';
import type { TemplateSettings } from '../../../db/schema/admin-data';
import { fieldError } from '../../errors';
import { re2Engine, schemaShapeProblem, type Problem, type SchemaShapeLimits } from './safe-patterns';

// ajv-formats is CommonJS with a default export; under ESM interop the function may sit one level down.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as typeof addFormatsModule;

// strict: a typo such as "requierd" is refused when the admin saves, not silently ignored.
// Patterns run on re2js (linear time); allowMatchingProperties spares the compile-time check that
// would run a pattern natively over the schema's own property names.
const ajv = new Ajv({
  allErrors: true,
  strict: true,
  strictRequired: false,
  strictTypes: false,
  allowMatchingProperties: true,
  code: { regExp: re2Engine },
});
addFormats(ajv);

/** What a template's form schema may be: compiling a bigger one would hold the event loop for seconds. */
export const completionSchemaLimits: SchemaShapeLimits = { maxBytes: 64 * 1024, maxDepth: 32 };

const compiled = new Map<string, ValidateFunction>();
const MAX_CACHED = 100;

function compile(schema: Record<string, unknown>): ValidateFunction {
  const key = createHash('sha256').update(JSON.stringify(schema)).digest('hex');
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, validate);
  }
  return validate;
}

/** Why this is not a usable form schema (an object schema ajv can compile, safe to run), or null. */
export function completionSchemaProblem(schema: unknown): Problem | null {
  const plain = (en: string): Problem => ({ en, zh: en });
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return { en: 'must be a JSON Schema object', zh: '必须是 JSON Schema 对象' };
  if ((schema as { type?: unknown }).type !== 'object') return { en: 'must describe an object (type: "object")', zh: '必须描述一个对象（type: "object"）' };
  if ('$async' in schema) return { en: '$async schemas are not supported', zh: '不支持 $async' };
  const shape = schemaShapeProblem(schema, completionSchemaLimits, { patterns: true });
  if (shape) return shape;
  if (!ajv.validateSchema(schema)) return plain(ajv.errorsText(ajv.errors, { dataVar: 'schema' }));
  try {
    compile(schema as Record<string, unknown>);
  } catch (error) {
    return plain((error as Error).message);
  }
  return null;
}

export interface FieldError {
  field: string;
  message: string;
  messageZh: string;
}

function fieldOf(error: ErrorObject, prefix: string): string {
  const path = error.instancePath
    .split('/')
    .filter(Boolean)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') path.push(String((error.params as { missingProperty: string }).missingProperty));
  if (error.keyword === 'additionalProperties') path.push(String((error.params as { additionalProperty: string }).additionalProperty));
  return [prefix, ...path].join('.');
}

/**
 * The validator of a stored form. One saved before today's checks may be too large or hold a
 * pattern re2js cannot run: the report is refused (422) rather than the API stalled or failing.
 */
function usableValidator(schema: Record<string, unknown>): ValidateFunction {
  const problem = schemaShapeProblem(schema, completionSchemaLimits, { patterns: false });
  if (!problem) {
    try {
      return compile(schema);
    } catch {
      // falls through to the refusal
    }
  }
  throw fieldError(
    'rule_violation',
    'body.fields',
    "The template's completion form cannot be checked; an administrator must correct it.",
    '该类事项的办结表单模板有误，无法校验，请联系管理员修正。',
  );
}

/**
 * Validates a completion report's `fields` against the template; [] when valid. Field names read
 * `body.fields.<name>` so they match the route's own validation errors.
 */
export function validateCompletionFields(
  template: Pick<TemplateSettings, 'completionFields'>,
  fields: unknown,
  prefix = 'body.fields',
): FieldError[] {
  const validate = usableValidator(template.completionFields);
  if (validate(fields ?? {})) return [];
  const errors = validate.errors ?? [];
  // ajv-i18n rewrites messages in place: the Chinese ones come from copies.
  const zh = errors.map((error) => ({ ...error }));
  localizeZh(zh);
  return errors.map((error, i) => ({ field: fieldOf(error, prefix), message: error.message ?? 'invalid', messageZh: zh[i]?.message ?? '填写有误' }));
}

/**
 * The summary is what was done: a form with a `result` field gets the summary there unless the
 * department wrote one of its own, so a client may complete with `{summary}` alone (API.md).
 */
export function fieldsWithSummary(
  template: Pick<TemplateSettings, 'completionFields'>,
  summary: string,
  fields: Record<string, unknown> | undefined,
): { fields: Record<string, unknown>; filled: boolean } {
  const given = fields ?? {};
  const properties = (template.completionFields as { properties?: Record<string, unknown> }).properties;
  const filled = properties !== undefined && Object.hasOwn(properties, 'result') && given.result === undefined;
  return { fields: filled ? { ...given, result: summary } : given, filled };
}
