/** temporal-dev.yaml, parsed and checked. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where local state lives (Temporal's SQLite file, embedded Postgres, Redis): DATA_DIR or .data/. */
export function dataDir(): string {
  return resolve(repoRoot, process.env.DATA_DIR || '.data');
}

const searchAttributeType = z.enum(['Keyword', 'Text', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList']);

const devSettingsSchema = z.object({
  cli: z.object({ version: z.string().regex(/^v\d+\.\d+\.\d+$/) }),
  server: z.object({
    ip: z.string().default('127.0.0.1'),
    port: z.number().int(),
    uiPort: z.number().int(),
    dbFile: z.string(),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('warn'),
    /** SQLite pragmas for the database file (`--sqlite-pragma name=value`). */
    sqlitePragmas: z.record(z.string().regex(/^\w+$/), z.union([z.string(), z.number()])).default({}),
  }),
  namespace: z.object({
    name: z.string().min(1),
    retention: z.string().regex(/^\d+h$/, 'retention in hours, e.g. 720h'),
    searchAttributes: z.record(z.string(), searchAttributeType),
  }),
  dynamicConfig: z.record(z.string(), z.unknown()).default({}),
});

export type DevSettings = z.infer<typeof devSettingsSchema>;

export function readDevSettings(file = resolve(repoRoot, 'temporal-dev.yaml')): DevSettings {
  const parsed = devSettingsSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`temporal-dev.yaml is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
