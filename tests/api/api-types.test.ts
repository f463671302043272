/**
 * The UI's API types (ui/src/api/schema.d.ts) are generated from the OpenAPI document: this fails
 * when a route's schema changed and `npm run api:types` was not run, so the UI never reads a stale contract.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateApiTypes, schemaFile } from '../../scripts/api-types';
import { testConfig } from '../support/services';

describe('UI API types', () => {
  it('ui/src/api/schema.d.ts is what `npm run api:types` writes from /docs/json', { timeout: 120_000 }, async () => {
    const fresh = await generateApiTypes(testConfig());
    const current = readFileSync(schemaFile, 'utf8');
    // A readable failure: the first differing line, not two 7,000-line strings.
    const a = current.split('\n');
    const b = fresh.split('\n');
    const first = a.findIndex((line, i) => line !== b[i]);
    expect(first === -1 && a.length === b.length ? 'current' : `stale from line ${first + 1}: run npm run api:types`).toBe('current');
  });
});
