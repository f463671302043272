/**
 * A JSON Schema validator for @rjsf forms that needs no `eval`.
 *
 * @rjsf/validator-ajv8 compiles every schema to a function with `new Function`, which the app's
 * Content-Security-Policy (`script-src 'self'`, rightly without 'unsafe-eval') refuses: the
 * completion form then failed every submit with "Error compiling schema" and a department could not
 * report at all. Templates are written by admins at run time, so they cannot be precompiled at build
 * time either. This walks the schema instead. It covers what completion forms use (types, required,
 * lengths, patterns, formats, ranges, items, enums, combinators, local $refs); whatever it does not
 * know it lets through, and the API, which validates every report against the template with ajv,
 * still refuses it at its field (CompletionForm shows the API's field errors).
 */
import {
  createErrorHandler,
  getDefaultFormState,
  toErrorSchema,
  unwrapErrorHandler,
  validationDataMerge,
  type CustomValidator,
  type ErrorTransformer,
  type RJSFSchema,
  type RJSFValidationError,
  type UiSchema,
  type ValidationData,
  type ValidatorType,
} from '@rjsf/utils';

export interface Problem {
  /** Where in the data: property names and array indexes. */
  path: string[];
  keyword: string;
  params: Record<string, unknown>;
  schemaPath: string;
  /** The failing field's title, when the schema gives one. */
  title?: string;
}

/** The words for a problem, in the user's language. */
export type Describe = (problem: Problem) => string;

type Schema = RJSFSchema | boolean;

const FORMATS: Record<string, (s: string) => boolean> = {
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)),
  'date-time': (s) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
  time: (s) => /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/.test(s),
  email: (s) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s),
  uri: (s) => {
    try {
      return Boolean(new URL(s).protocol);
    } catch {
      return false;
    }
  },
  uuid: (s) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s),
};

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function hasType(v: unknown, type: string): boolean {
  const actual = typeOf(v);
  return actual === type || (type === 'number' && actual === 'integer');
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function resolveRef(root: RJSFSchema, ref: string): Schema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  }
  return node as Schema | undefined;
}

/** Every problem of `data` against `schema` (`root` resolves `$ref`s). */
export function problemsOf(schema: Schema, data: unknown, root: RJSFSchema = typeof schema === 'object' ? schema : {}): Problem[] {
  const out: Problem[] = [];
  walk(schema, data, root, [], '#', out, 0);
  return out;
}

function walk(schema: Schema | undefined, data: unknown, root: RJSFSchema, path: string[], at: string, out: Problem[], depth: number): void {
  if (schema === undefined || schema === true || depth > 64) return;
  const add = (keyword: string, params: Record<string, unknown> = {}, where = path) =>
    out.push({ path: where, keyword, params, schemaPath: `${at}/${keyword}`, ...(typeof schema === 'object' && schema.title ? { title: schema.title } : {}) });
  if (schema === false) return void add('false');
  if (typeof schema.$ref === 'string') walk(resolveRef(root, schema.$ref), data, root, path, `${at}/$ref`, out, depth + 1);
  // Absent: nothing to check here; `required` of the parent speaks for it.
  if (data === undefined) return;

  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => hasType(data, t))) return void add('type', { type: types.join(', ') });
  }
  if (schema.enum && !schema.enum.some((e) => same(e, data))) add('enum', { allowedValues: schema.enum });
  if (schema.const !== undefined && !same(schema.const, data)) add('const', { allowedValue: schema.const });

  if (typeof data === 'string') {
    const length = [...data].length;
    if (typeof schema.minLength === 'number' && length < schema.minLength) add('minLength', { limit: schema.minLength });
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) add('maxLength', { limit: schema.maxLength });
    if (typeof schema.pattern === 'string') {
      let re: RegExp | null = null;
      try {
        re = new RegExp(schema.pattern, 'u');
      } catch {
        re = null;
      }
      if (re && !re.test(data)) add('pattern', { pattern: schema.pattern });
    }
    const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
    if (format && !format(data)) add('format', { format: schema.format });
  }

  if (typeof data === 'number') {
    if (typeof schema.minimum === 'number' && data < schema.minimum) add('minimum', { limit: schema.minimum });
    if (typeof schema.maximum === 'number' && data > schema.maximum) add('maximum', { limit: schema.maximum });
    if (typeof schema.exclusiveMinimum === 'number' && data <= schema.exclusiveMinimum) add('exclusiveMinimum', { limit: schema.exclusiveMinimum });
    if (typeof schema.exclusiveMaximum === 'number' && data >= schema.exclusiveMaximum) add('exclusiveMaximum', { limit: schema.exclusiveMaximum });
    if (typeof schema.multipleOf === 'number' && schema.multipleOf > 0) {
      const q = data / schema.multipleOf;
      if (Math.abs(q - Math.round(q)) > 1e-9) add('multipleOf', { limit: schema.multipleOf });
    }
  }

  if (Array.isArray(data)) {
    if (typeof schema.minItems === 'number' && data.length < schema.minItems) add('minItems', { limit: schema.minItems });
    if (typeof schema.maxItems === 'number' && data.length > schema.maxItems) add('maxItems', { limit: schema.maxItems });
    if (schema.uniqueItems === true && new Set(data.map((d) => JSON.stringify(d))).size !== data.length) add('uniqueItems');
    const tuple = Array.isArray(schema.items) ? (schema.items as Schema[]) : undefined;
    data.forEach((item, i) => {
      const itemSchema = tuple ? (i < tuple.length ? tuple[i] : (schema.additionalItems as Schema | undefined)) : (schema.items as Schema | undefined);
      walk(itemSchema, item, root, [...path, String(i)], `${at}/items`, out, depth + 1);
    });
  }

  if (typeOf(data) === 'object') {
    const obj = data as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of schema.required ?? []) {
      if (obj[name] === undefined) {
        const field = props[name];
        out.push({ path: [...path, name], keyword: 'required', params: { missingProperty: name }, schemaPath: `${at}/required`, ...(typeof field === 'object' && field.title ? { title: field.title } : {}) });
      }
    }
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
    if (typeof schema.minProperties === 'number' && keys.length < schema.minProperties) add('minProperties', { limit: schema.minProperties });
    if (typeof schema.maxProperties === 'number' && keys.length > schema.maxProperties) add('maxProperties', { limit: schema.maxProperties });
    for (const k of keys) {
      if (k in props) walk(props[k], obj[k], root, [...path, k], `${at}/properties/${k}`, out, depth + 1);
      else if (schema.additionalProperties === false) add('additionalProperties', { additionalProperty: k }, [...path, k]);
      else if (typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, obj[k], root, [...path, k], `${at}/additionalProperties`, out, depth + 1);
    }
  }

  (schema.allOf ?? []).forEach((s, i) => walk(s as Schema, data, root, path, `${at}/allOf/${i}`, out, depth + 1));
  const fits = (s: unknown) => {
    const found: Problem[] = [];
    walk(s as Schema, data, root, path, at, found, depth + 1);
    return found.length === 0;
  };
  if (schema.anyOf && !schema.anyOf.some(fits)) add('anyOf');
  if (schema.oneOf && schema.oneOf.filter(fits).length !== 1) add('oneOf');
  if (schema.not !== undefined && fits(schema.not)) add('not');
  if (schema.if !== undefined) {
    const branch = fits(schema.if) ? schema.then : schema.else;
    if (branch !== undefined) walk(branch as Schema, data, root, path, `${at}/${fits(schema.if) ? 'then' : 'else'}`, out, depth + 1);
  }
}

/** rjsf's `ValidatorType` over `problemsOf`, its messages from `describe`. */
export class PlainValidator implements ValidatorType {
  constructor(private readonly describe: Describe) {}

  private errorsOf(schema: RJSFSchema, formData: unknown): RJSFValidationError[] {
    return problemsOf(schema, formData, schema).map((p) => {
      const message = this.describe(p);
      return {
        name: p.keyword,
        property: p.path.length ? `.${p.path.join('.')}` : '',
        message,
        params: p.params,
        stack: p.title ? `${p.title}: ${message}` : message,
        schemaPath: p.schemaPath,
        title: p.title,
      };
    });
  }

  validateFormData(
    formData: unknown,
    schema: RJSFSchema,
    customValidate?: CustomValidator,
    transformErrors?: ErrorTransformer,
    uiSchema?: UiSchema,
  ): ValidationData<unknown> {
    let errors = this.errorsOf(schema, formData);
    if (typeof transformErrors === 'function') errors = transformErrors(errors, uiSchema);
    const errorSchema = toErrorSchema(errors);
    if (typeof customValidate !== 'function') return { errors, errorSchema };
    const withDefaults = getDefaultFormState(this, schema, formData, schema, true);
    const handler = customValidate(withDefaults, createErrorHandler(withDefaults), uiSchema, errorSchema);
    return validationDataMerge({ errors, errorSchema }, unwrapErrorHandler(handler));
  }

  isValid(schema: RJSFSchema, formData: unknown, rootSchema: RJSFSchema): boolean {
    return problemsOf(schema, formData, rootSchema).length === 0;
  }

  rawValidation<Result = Problem>(schema: RJSFSchema, formData?: unknown): { errors?: Result[]; validationError?: Error } {
    const errors = problemsOf(schema, formData, schema);
    return { errors: errors.length ? (errors as Result[]) : undefined };
  }
}
