/**
 * The completion form's fields as rows an admin edits (key, title, type, required), and back to
 * the JSON Schema the API stores. What a row does not show (lengths, descriptions) is kept.
 */
import type { JsonSchemaObject } from '../../api/types';

export const FIELD_TYPES = ['text', 'longText', 'number', 'integer', 'boolean', 'date', 'list'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldRow {
  key: string;
  title: string;
  type: FieldType;
  required: boolean;
  /** The property as stored, for what the row does not edit. */
  original?: Record<string, unknown>;
}

function typeOf(p: Record<string, unknown>): FieldType {
  if (p.type === 'array') return 'list';
  if (p.type === 'boolean') return 'boolean';
  if (p.type === 'integer') return 'integer';
  if (p.type === 'number') return 'number';
  if (p.format === 'date') return 'date';
  return typeof p.maxLength === 'number' && p.maxLength <= 200 ? 'text' : 'longText';
}

export function rowsOf(schema: JsonSchemaObject | undefined): FieldRow[] {
  const required = new Set(schema?.required ?? []);
  return Object.entries(schema?.properties ?? {}).map(([key, p]) => ({
    key,
    title: typeof p.title === 'string' ? p.title : '',
    type: typeOf(p),
    required: required.has(key),
    original: p,
  }));
}

function propertyOf(row: FieldRow): Record<string, unknown> {
  const base = row.original && typeOf(row.original) === row.type ? { ...row.original } : {};
  const typed: Record<FieldType, Record<string, unknown>> = {
    text: { type: 'string', maxLength: 200 },
    longText: { type: 'string', maxLength: 5000 },
    number: { type: 'number' },
    integer: { type: 'integer' },
    boolean: { type: 'boolean' },
    date: { type: 'string', format: 'date' },
    list: { type: 'array', items: { type: 'string', maxLength: 500 }, maxItems: 20 },
  };
  const p: Record<string, unknown> = { ...typed[row.type], ...base, title: row.title || row.key };
  // A required text must not be empty.
  if (row.required && p.type === 'string' && p.format !== 'date' && p.minLength === undefined) p.minLength = 1;
  return p;
}

export function schemaOf(rows: FieldRow[], previous?: JsonSchemaObject): JsonSchemaObject {
  const clean = rows.filter((r) => r?.key);
  return {
    ...(previous ?? {}),
    type: 'object',
    required: clean.filter((r) => r.required).map((r) => r.key),
    properties: Object.fromEntries(clean.map((r) => [r.key, propertyOf(r)])),
    additionalProperties: false,
  };
}

/** The preview's widgets: long texts as text areas. */
export function uiSchemaOf(rows: FieldRow[]): Record<string, unknown> {
  return Object.fromEntries(rows.filter((r) => r?.key && r.type === 'longText').map((r) => [r.key, { 'ui:widget': 'textarea' }]));
}
