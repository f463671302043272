// Issue 20, engine properties: random histories (actions, timer firings, extensions, transfers,
// calendar changes, continue-as-new, at random instants) through the real workflows. Each history's
// final state must equal the pure domain fold of its events, and the audit replay at every event
// the state the workflow had then. `npm run test:engine-properties` runs ENGINE_PROPERTY_HISTORIES
// (default 60); `npm run bench:engine-properties` runs 1,000. Not in `npm test` yet: the three
// replay-order patterns are fixed (2026-12-03), but about 1 history in 800 meets a real workflow defect
// (a wake-up timer and the continue-as-new check in one workflow task: tests/replay/known-issues/),
// which would fail CI at random. ENGINE_PROPERTY_ONLY=3,17 reruns given histories of a seed;
// ENGINE_PROPERTY_DEBUG=1 prints a failing task's events, ENGINE_PROPERTY_DUMP=<dir> writes its histories.
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineHarness, type EngineHarness } from './engine-harness';
import { historyArb, runHistories, type HistoryOutcome } from './property-histories';

const HISTORIES = Number(process.env.ENGINE_PROPERTY_HISTORIES ?? 60);
const CONCURRENCY = Number(process.env.ENGINE_PROPERTY_CONCURRENCY ?? 20);
const SEED = Number(process.env.ENGINE_PROPERTY_SEED ?? Date.now() % 1_000_000);

describe.skipIf(!process.env.ENGINE_PROPERTIES)('engine properties over random histories', () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await engineHarness();
  });
  afterAll(() => h?.close());

  it(`${HISTORIES} random histories: workflow = domain fold, audit replay = workflow at every event`, { timeout: Math.max(240_000, HISTORIES * 4_000) }, async () => {
    // ENGINE_PROPERTY_ONLY=3,17 reruns just those histories of the seed's sample (indices as reported).
    const only = process.env.ENGINE_PROPERTY_ONLY?.split(',').map(Number);
    const sample = fc.sample(historyArb, { numRuns: only ? Math.max(HISTORIES, ...only.map((i) => i + 1)) : HISTORIES, seed: SEED });
    const indices = only ?? sample.map((_, i) => i);
    const plans = indices.map((i) => sample[i]!);
    const started = Date.now();
    const soFar = { done: 0, events: 0, mismatches: 0 };
    const outcomes: HistoryOutcome[] = await runHistories(h, plans, CONCURRENCY, (o, _plan, at) => {
      soFar.done += 1;
      soFar.events += o.events;
      soFar.mismatches += o.mismatches.length;
      if (o.mismatches.length) process.stderr.write(`engine properties: mismatch in history ${indices[at]} (${o.itemId}): ${o.mismatches[0]}\n`);
      if (process.env.ENGINE_PROPERTY_PROGRESS && soFar.done % 25 === 0) {
        process.stderr.write(`engine properties: ${soFar.done}/${HISTORIES} histories, ${soFar.events} events, ${soFar.mismatches} mismatches, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
      }
    });
    const seconds = (Date.now() - started) / 1000;
    const sum = (f: (o: HistoryOutcome) => number) => outcomes.reduce((n, o) => n + f(o), 0);
    const summary = {
      seed: SEED,
      histories: outcomes.length,
      commands: sum((o) => o.commandsSent),
      accepted: sum((o) => o.accepted),
      refused: sum((o) => o.refused),
      events: sum((o) => o.events),
      replayPoints: sum((o) => o.replayPoints),
      timerTicks: sum((o) => o.timerTicks),
      transfers: sum((o) => o.transfers),
      continuedAsNew: sum((o) => o.continuedAsNew),
      historiesWithMismatches: outcomes.filter((o) => o.mismatches.length > 0).length,
      failingHistories: indices.filter((_, at) => outcomes[at]!.mismatches.length > 0),
      mismatches: sum((o) => o.mismatches.length),
      seconds,
    };
    console.log(JSON.stringify(summary));
    const report = process.env.ENGINE_PROPERTY_REPORT;
    if (report) writeFileSync(report, JSON.stringify({ ...summary, examples: outcomes.flatMap((o) => o.mismatches.map((m) => `${o.itemId}: ${m}`)).slice(0, 50) }, null, 2));
    // Every kind of thing the property is about happened somewhere.
    expect(summary.timerTicks).toBeGreaterThan(0);
    expect(summary.continuedAsNew).toBeGreaterThan(0);
    expect(summary.transfers).toBeGreaterThan(0);
    expect(outcomes.flatMap((o) => o.mismatches.map((m) => `${o.itemId}: ${m}`)).slice(0, 20)).toEqual([]);
  });
});
