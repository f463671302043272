// Guards what makes domain/ safe inside Temporal workflows: only relative imports, no clock, no randomness.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const domainDir = fileURLToPath(new URL('../../../domain/', import.meta.url));
const workflowSafe = readdirSync(domainDir).filter((f) => f.endsWith('.ts') && f !== 'calendar-data.ts');

describe('domain/ is workflow-safe', () => {
  it.each(workflowSafe)('%s imports only other domain files and reads no clock', (file) => {
    const src = readFileSync(join(domainDir, file), 'utf8');
    const specifiers = [...src.matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1]);
    // zod is the one library allowed, and only where the task's wire schema is written (task-wire.ts).
    const allowed = file === 'task-wire.ts' ? ['zod'] : [];
    expect(specifiers.filter((s) => !s!.startsWith('./') && !allowed.includes(s!))).toEqual([]);
    expect(src).not.toMatch(/Date\.now\(|new Date\(\)|Math\.random|performance\.now|process\./);
  });

  it('the public index does not re-export the holiday-data builder', () => {
    expect(readFileSync(join(domainDir, 'index.ts'), 'utf8')).not.toMatch(/from '.\/calendar-data'/);
  });

  it('no workflow-safe file takes a value from task-wire.ts, so the workflow bundle never carries zod', () => {
    for (const file of workflowSafe.filter((f) => f !== 'task-wire.ts')) {
      const src = readFileSync(join(domainDir, file), 'utf8');
      expect(src, file).not.toMatch(/^(?:import|export)(?! type)[^;]*from '\.\/task-wire'/m);
    }
  });
});
