/**
 * Issue 20, engine properties at full size: 1,000 random histories (actions, timer firings,
 * extensions, transfers, calendar changes, continue-as-new) through the real workflows on a Temporal
 * dev server, each checked against the pure domain fold and the audit replay at every event
 * (tests/integration/engine/property-histories.ts). It runs the CI test with more histories, under
 * the tests' global setup (its own dev server on TEST_TEMPORAL_PORT, database TEST_DATABASE_NAME).
 *
 *   npm run bench:engine-properties -- [histories=1000] [concurrency=50] [seed]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [histories = '1000', concurrency = '50', seed] = process.argv.slice(2);
const report = join(mkdtempSync(join(tmpdir(), 'engine-properties-')), 'report.json');
const started = Date.now();
const run = spawnSync('npx', ['vitest', 'run', 'tests/integration/engine/engine-properties.test.ts'], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: {
    ...process.env,
    ENGINE_PROPERTIES: '1',
    ENGINE_PROPERTY_HISTORIES: histories,
    ENGINE_PROPERTY_CONCURRENCY: concurrency,
    ENGINE_PROPERTY_REPORT: report,
    ENGINE_PROPERTY_PROGRESS: '1',
    ...(seed ? { ENGINE_PROPERTY_SEED: seed } : {}),
  },
});
const wall = (Date.now() - started) / 1000;

let figures: Record<string, unknown>;
try {
  figures = JSON.parse(readFileSync(report, 'utf8')) as Record<string, unknown>;
} catch {
  console.error(`no report: the test run ended with status ${run.status} before it finished`);
  process.exit(1);
}
const { examples, ...counts } = figures as { examples: string[] } & Record<string, number>;
console.log('\nengine properties');
console.log(`  seed                        ${counts.seed}`);
console.log(`  histories run               ${counts.histories} (${concurrency} at once)`);
console.log(`  commands sent               ${counts.commands} (accepted ${counts.accepted}, refused by the rules ${counts.refused})`);
console.log(`  history events              ${counts.events}`);
console.log(`  timer ticks folded          ${counts.timerTicks}`);
console.log(`  transfers                   ${counts.transfers}`);
console.log(`  continue-as-new runs        ${counts.continuedAsNew}`);
console.log(`  audit replay points         ${counts.replayPoints}`);
console.log(`  mismatches                  ${counts.mismatches} in ${counts.historiesWithMismatches} histories (goal 0)`);
console.log(`  histories time              ${Number(counts.seconds).toFixed(1)} s (wall with setup ${wall.toFixed(1)} s)`);
for (const e of examples.slice(0, 10)) console.log(`  ! ${e}`);
process.exit(counts.mismatches === 0 && run.status === 0 ? 0 : 1);
