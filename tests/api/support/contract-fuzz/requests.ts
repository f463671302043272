/**
 * Requests for every operation of the OpenAPI document the API serves (/docs/json), as fast-check
 * arbitraries: a plausible request built from each schema, then corrupted field by field (at and past
 * its bounds, dates across years, Unicode edge cases, wrong types, missing and extra fields).
 *
 * Ids are not known when the cases are drawn (the world grows as the walk goes): an id is drawn as a
 * reference (`REF` + the field's name) and resolved at send time from the ids seen so far.
 */
import fc from 'fast-check';

export interface Schema {
  type?: string;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  anyOf?: Schema[];
  nullable?: boolean;
}

interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema: Schema;
}

export interface Operation {
  method: string;
  /** As the document names it: `/api/items/{id}`. */
  path: string;
  /** As Fastify registered it: `/api/items/:id`. */
  route: string;
  params: Parameter[];
  body: Schema | null;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
}

/** Every operation of the document (the server-sent events stream, which never ends, aside). */
export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (path === '/api/events') continue;
      operations.push({
        method: method.toUpperCase(),
        path,
        route: path.replace(/\{(\w+)\}/g, ':$1'),
        params: operation.parameters ?? [],
        body: operation.requestBody?.content?.['application/json']?.schema ?? null,
      });
    }
  }
  return operations;
}

/** A reference to an id of the world, resolved when the case is sent: `REF` + field name + a pick. */
export const REF = '\u0001ref:';
const ref = (name: string) => fc.nat(10_000).map((pick) => `${REF}${name}:${pick}`);

const DAY = 86_400_000;
const YEAR = 365.25 * DAY;
const INSTANT_PATTERN = /\\d\{4\}-\\d\{2\}-\\d\{2\}T/;
const DATE_PATTERN = /^\^\\d\{4\}-\\d\{2\}-\\d\{2\}\$$/;
const DURATION_NAMES = /^(warnBefore|signWithin|reportEvery|defaultDeadline|remindEvery|cadence|within|every)$/i;

/** An ISO instant `ms` from now in one of several zones, the way different clients write them. */
function instantFromNow(ms: number, zone: string): string {
  const at = new Date(Date.now() + ms);
  if (zone === 'Z') return at.toISOString();
  const sign = zone[0] === '-' ? -1 : 1;
  const [h, m] = zone.slice(1).split(':').map(Number) as [number, number];
  const local = new Date(at.getTime() + sign * (h * 60 + m) * 60_000).toISOString().slice(0, 19);
  return `${local}${zone}`;
}
const zones = fc.constantFrom('Z', '+08:00', '-05:00', '+14:00', '-12:00', '+05:45', '+00:00');

/** Instants across years: past years, leap days, year 9999, far zones, now and ten years out. */
const hostileInstant = fc.oneof(
  fc.constantFrom(
    '2025-06-30T00:00:00Z',
    '2001-01-01T08:00:00+08:00',
    '1970-01-01T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00Z',
    '1899-12-31T23:59:59-12:00',
    '9999-12-31T23:59:59Z',
    '9999-12-31T23:59:59.999999999-12:00',
    '2028-02-29T12:00:00+08:00',
    '2100-02-29T00:00:00Z',
    '2027-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2030-02-30T00:00:00Z',
    '2030-12-31T24:00:00Z',
    '2030-06-15T12:60:00Z',
    '2030-06-15T12:00:00+99:99',
    '2030-06-15T12:00:00+24:00',
    '2030-06-15T12:00:00',
    '2030-06-15',
    '+275760-09-13T00:00:00Z',
    '2030-06-15T12:00:00.1234567890Z',
  ),
  fc.tuple(fc.integer({ min: -30 * 365, max: 9000 * 365 }), zones).map(([days, zone]) => instantFromNow(days * DAY, zone)),
  // At the bounds: now, a second ago, ten years ahead and a day past it.
  fc.tuple(fc.constantFrom(-1000, 0, 60_000, 10 * YEAR - DAY, 10 * YEAR + DAY, 10 * YEAR + 60_000), zones).map(([ms, zone]) => instantFromNow(ms, zone)),
);
const hostileDate = fc.constantFrom('2025-01-01', '0000-01-01', '9999-12-31', '2028-02-29', '2100-02-29', '2027-02-29', '2026-00-10', '2026-1-1', '2030-06-15T00:00:00Z');
const hostileDuration = fc.constantFrom('PT0S', 'PT0.001S', 'PT59S', 'PT1M', 'P-1D', '-P1D', 'P10Y', 'P10Y1D', 'P3650D', 'P3653D', 'P8000Y', 'P1W', 'P', 'PT', 'P1DT', 'P99999999999999999999D', 'PT1M0.5S', '1 day', 'P1.5D');

/** Text a store or a screen may choke on. */
const unicodeEdges = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\u200f\u202e右到左\u202c',
    '\u200b\u200c\u200d\ufeff',
    '👨‍👩‍👧‍👦🇨🇳',
    'e\u0301\u0301\u0301',
    '\u2028\u2029',
    '\u0007\u001b[31m',
    '\uffff\ufffe',
    '𠮷野家',
    "'; drop table users; --",
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '__proto__',
    '   ',
    '',
  ),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('界', 'a', '😀').map((c) => c.repeat(100_000)),
);

function plausibleString(schema: Schema, name: string): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return ref(name);
  if (schema.pattern && INSTANT_PATTERN.test(schema.pattern)) return fc.tuple(fc.integer({ min: 2, max: 300 }), zones).map(([days, zone]) => instantFromNow(days * DAY, zone));
  if (schema.format === 'date-time') return fc.integer({ min: -30, max: 30 }).map((days) => new Date(Date.now() + days * DAY).toISOString());
  if (schema.pattern && DATE_PATTERN.test(schema.pattern)) return fc.integer({ min: 2, max: 300 }).map((days) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10));
  if (schema.format === 'email') return fc.constant('someone@example.com');
  if (schema.format === 'uri') return fc.constantFrom('https://example.com/hook', 'http://127.0.0.1:9/x');
  if (DURATION_NAMES.test(name)) return fc.constantFrom('P1D', 'P2D', 'PT1H', 'P7D');
  const min = schema.minLength ?? 0;
  const max = Math.max(min, Math.min(schema.maxLength ?? 24, 24));
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= min && s.length <= (schema.maxLength ?? Infinity));
    } catch {
      // a pattern JavaScript cannot read: fall through to plain text
    }
  }
  return fc.string({ unit: fc.constantFrom(...'督查督办事项进展abcXYZ0129 .-_'), minLength: Math.max(min, 1), maxLength: max });
}

/** A value the schema accepts, or close to it. */
export function plausible(schema: Schema, name = ''): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => plausible(s, name)));
  switch (schema.type) {
    case 'string':
      return plausibleString(schema, name);
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? 0;
      const max = Math.min(schema.maximum ?? min + 1000, min + 1000);
      const floor = schema.exclusiveMinimum === true ? min + 1 : min;
      return fc.integer({ min: Math.ceil(floor), max: Math.max(Math.ceil(floor), Math.floor(max)) });
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(plausible(schema.items ?? {}, name), { minLength: schema.minItems ?? 0, maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)) });
    case 'object': {
      const properties = schema.properties ?? {};
      if (Object.keys(properties).length === 0) {
        return typeof schema.additionalProperties === 'object'
          ? fc.dictionary(fc.constantFrom('result', 'note', 'a'), plausible(schema.additionalProperties, name), { maxKeys: 2 })
          : fc.constant({});
      }
      const arbitraries = Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, plausible(s, key)]));
      return fc.record(arbitraries, { requiredKeys: (schema.required ?? []).filter((key) => key in properties) });
    }
    default:
      return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean());
  }
}

const wrongType = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0, 0.5),
  fc.string({ maxLength: 8 }),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  fc.anything({ maxDepth: 2 }),
);

/** A value at or past the schema's bounds, of a wrong type, or text no one expects. */
export function hostile(schema: Schema, name = ''): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [wrongType, unicodeEdges];
  if (schema.type === 'string' || schema.format || schema.pattern) {
    const bounds = [schema.minLength, schema.maxLength]
      .filter((n): n is number => n !== undefined)
      .flatMap((n) => [n - 1, n, n + 1])
      .filter((n) => n >= 0 && n <= 200_000);
    if (bounds.length > 0) options.push(fc.constantFrom(...bounds).chain((n) => fc.constantFrom('界', 'a', '😀', '\u200b').map((c) => c.repeat(n))));
    if (schema.pattern && INSTANT_PATTERN.test(schema.pattern)) options.push(hostileInstant, hostileInstant);
    if (schema.format === 'date-time') options.push(hostileInstant);
    if (schema.pattern && DATE_PATTERN.test(schema.pattern)) options.push(hostileDate);
    if (DURATION_NAMES.test(name)) options.push(hostileDuration, hostileDuration);
    if (schema.format === 'uuid')
      options.push(
        ref(name),
        fc.uuid(),
        fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'not-a-uuid', '1', '{{id}}', '00000000-0000-4000-8000-00000000000'),
      );
    if (schema.format === 'uri')
      options.push(fc.constantFrom('http://169.254.169.254/latest/meta-data', 'file:///etc/passwd', 'http://[::1]/', 'gopher://x', 'http://localhost:6379/', 'javascript:alert(1)', 'https://例子.测试/路径'));
    if (schema.format === 'email') options.push(fc.constantFrom('a@', '@b', 'a@b', 'x'.repeat(300) + '@example.com', '用户@例子.中国'));
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    const edges = [schema.minimum, schema.maximum].filter((n): n is number => n !== undefined).flatMap((n) => [n - 1, n, n + 1, n + 0.5]);
    options.push(fc.constantFrom(0, -1, 1e21, 2 ** 31, 2 ** 53, -(2 ** 53), ...edges), fc.constantFrom('1', '1e3', 'NaN', 'Infinity', '0x10'));
  }
  if (schema.enum) options.push(fc.constantFrom(...schema.enum.map((v) => (typeof v === 'string' ? v.toUpperCase() : v)), 'other', ''));
  if (schema.type === 'array') {
    const item = plausible(schema.items ?? {}, name);
    options.push(
      fc.array(item, { minLength: (schema.maxItems ?? 3) + 1, maxLength: (schema.maxItems ?? 3) + 1 }),
      fc.constant([]),
      fc.array(hostile(schema.items ?? {}, name), { minLength: 1, maxLength: 2 }),
    );
  }
  if (schema.type === 'object') options.push(fc.constant({}), fc.constant([]), fc.dictionary(fc.string({ maxLength: 6 }), wrongType, { maxKeys: 3 }));
  return fc.oneof(...options);
}

type Path = (string | number)[];

/** Every field of a body schema with its path (array items as element 0), so one can be corrupted. */
function fieldsOf(schema: Schema, path: Path = [], depth = 0): { path: Path; schema: Schema; name: string }[] {
  if (depth > 3) return [];
  const found: { path: Path; schema: Schema; name: string }[] = [];
  for (const [key, s] of Object.entries(schema.properties ?? {})) {
    found.push({ path: [...path, key], schema: s, name: key });
    if (s.type === 'object') found.push(...fieldsOf(s, [...path, key], depth + 1));
    if (s.type === 'array' && s.items?.type === 'object') found.push(...fieldsOf(s.items, [...path, key, 0], depth + 1));
  }
  return found;
}

function setAt(target: unknown, path: Path, value: unknown, remove: boolean): void {
  let node = target as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) {
    if (node[step] === undefined || node[step] === null || typeof node[step] !== 'object') {
      if (remove) return;
      node[step] = typeof path[path.indexOf(step) + 1] === 'number' ? [] : {};
    }
    node = node[step] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1]!;
  if (remove) delete node[last];
  else node[last] = value;
}

type Mutation = { kind: 'set'; path: Path; value: unknown } | { kind: 'drop'; path: Path } | { kind: 'extra'; key: string; value: unknown };

export type Body = { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; contentType: string } | { kind: 'none' };

const rawBodies = fc.oneof(
  fc.constantFrom('{', '{"a":', '[', 'null', '""', '{"__proto__":{"admin":true}}', '{"a":1,"a":2}', '\u0000', '{"title":"\\ud800"}', '{"x":' + '['.repeat(5000) + ']'.repeat(5000) + '}').map((text) => ({ text, contentType: 'application/json' })),
  fc.record({ text: fc.string({ maxLength: 80 }), contentType: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x') }),
);

/** The body of one case: the plausible one, one corrupted in one to three ways, or something else entirely. */
export function bodyFor(schema: Schema | null): fc.Arbitrary<Body> {
  const raw = rawBodies.map((r) => ({ kind: 'raw' as const, ...r }));
  const anyJson = fc.oneof(wrongType, fc.anything({ maxDepth: 3 })).map((value) => ({ kind: 'json' as const, value }));
  if (!schema) return fc.oneof({ weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) }, { weight: 1, arbitrary: anyJson }, { weight: 1, arbitrary: raw });
  const fields = fieldsOf(schema);
  const mutation: fc.Arbitrary<Mutation>[] = [fc.record({ kind: fc.constant('extra' as const), key: fc.constantFrom('extra', 'isAdmin', 'id', 'createdAt', '__proto__', 'constructor', '字段'), value: wrongType })];
  if (fields.length > 0) {
    mutation.push(
      fc.oneof(...fields.map((f) => hostile(f.schema, f.name).map((value) => ({ kind: 'set' as const, path: f.path, value })))),
      fc.oneof(...fields.map((f) => hostile(f.schema, f.name).map((value) => ({ kind: 'set' as const, path: f.path, value })))),
      fc.constantFrom(...fields.map((f) => ({ kind: 'drop' as const, path: f.path }))),
    );
  }
  const corrupted = fc.tuple(plausible(schema), fc.array(fc.oneof(...mutation), { minLength: 1, maxLength: 3 })).map(([value, mutations]) => {
    const body = structuredClone(value) as Record<string, unknown>;
    for (const m of mutations) {
      if (m.kind === 'extra') Object.defineProperty(body, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
      else setAt(body, m.path, m.kind === 'set' ? m.value : undefined, m.kind === 'drop');
    }
    return { kind: 'json' as const, value: body };
  });
  return fc.oneof(
    { weight: 6, arbitrary: corrupted },
    { weight: 2, arbitrary: plausible(schema).map((value) => ({ kind: 'json' as const, value })) },
    { weight: 1, arbitrary: anyJson },
    { weight: 1, arbitrary: raw },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  );
}

/** A path parameter: mostly a real id of the world (ours or another department's), sometimes malformed. */
export function pathValueFor(parameter: Parameter): fc.Arbitrary<string> {
  const malformed = fc.oneof(
    fc.constantFrom('not-a-uuid', '..', '..%2F..%2Fetc%2Fpasswd', '%00', '%E0%A4%A', '%ED%A0%80', '-1', '0', '1e9', 'null', '%20', 'x'.repeat(5000), encodeURIComponent('\u200f\u202e')),
    fc.uuid(),
    fc.string({ maxLength: 20 }).map(encodeURIComponent).filter((s) => s.length > 0),
  );
  const real = parameter.schema.format === 'uuid' || parameter.schema.type === 'string' ? ref(`path:${parameter.name}`) : plausible(parameter.schema).map(String);
  const edges = parameter.schema.type === 'integer' ? fc.constantFrom('1999', '2000', '2026', '2100', '2101', '9999', '0', '-1', '1.5', '9007199254740993') : malformed;
  return fc.oneof({ weight: 5, arbitrary: real.map(String) }, { weight: 2, arbitrary: edges }, { weight: 1, arbitrary: malformed });
}

/** A query's pairs: each parameter left out, plausible, or hostile (ids resolved at send time). */
export function queryFor(parameters: Parameter[]): fc.Arbitrary<[string, string][]> {
  const query = parameters.filter((p) => p.in === 'query');
  if (query.length === 0) return fc.oneof(fc.constant([] as [string, string][]), fc.constant([['x', '1']] as [string, string][]));
  const entries = query.map((p) =>
    fc.option(
      fc.oneof({ weight: 3, arbitrary: plausible(p.schema, p.name) }, { weight: 2, arbitrary: hostile(p.schema, p.name) }).map((v) => [p.name, typeof v === 'object' ? JSON.stringify(v) : String(v)] as const),
      { freq: 2 },
    ),
  );
  return fc.tuple(...entries).map((pairs) => pairs.filter((p): p is readonly [string, string] => p !== null).map(([k, v]) => [k, v] as [string, string]));
}
