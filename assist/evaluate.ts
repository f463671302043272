import { performance } from 'node:perf_hooks';
import { certainty, LinearModel } from './classifier';
import type { HistoryRow } from './history-file';
import { figures, type HeldOutAnswer } from './metrics';
import { documentTokens } from './tokenize';
import { trainModel } from './train';

export interface Evaluation {
  accuracy: number;
  macroF1: number;
  top3: number;
  /** Share of test texts whose certainty (top confidence less the second) reaches the threshold chosen on the training history (auto-dispatched). */
  autoShare: number;
  /** Precision of those. */
  autoPrecision: number;
  trainSeconds: number;
  /** CPU seconds of the training (on a shared machine the wall-clock figure also counts others' work). */
  trainCpuSeconds: number;
  suggestP95Ms: number;
  /** CPU p95 of one suggestion (`process.cpuUsage` around each call): on a shared machine the wall-clock p95 also counts others' work. */
  suggestCpuP95Ms: number;
}

/**
 * The product's path on two files' rows: the training rows as imported history (segmented, trained
 * with the inner cross-validation that picks the threshold), then one suggestion per test row, timed
 * from its raw text.
 */
export function evaluate(
  train: readonly HistoryRow[],
  test: readonly HistoryRow[],
  targetPrecision?: number,
): Evaluation & { threshold: number | null; modelBytes: number; perLabel: ReturnType<typeof figures>['perLabel'] } {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const examples = train.map((row) => ({ tokens: documentTokens(row.title, row.text), label: row.department }));
  const outcome = trainModel(examples, targetPrecision);
  const trainSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const trainCpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (!outcome.ok) throw new Error(`too little history to train: ${outcome.examples} examples, ${outcome.labels} departments`);
  const model = LinearModel.load(outcome.model)!;
  const threshold = outcome.model.threshold?.threshold ?? null;
  const latencies: number[] = [];
  const cpuLatencies: number[] = [];
  const answers: HeldOutAnswer[] = test.map((row) => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const suggestions = model.suggest(documentTokens(row.title, row.text));
    const cpuSpent = process.cpuUsage(cpu0);
    latencies.push(performance.now() - t0);
    cpuLatencies.push((cpuSpent.user + cpuSpent.system) / 1000);
    return { truth: row.department, ranked: suggestions.map((s) => s.label), confidence: certainty(suggestions) };
  });
  const auto = threshold === null ? [] : answers.filter((a) => a.confidence >= threshold);
  const f = figures(answers);
  latencies.sort((a, b) => a - b);
  cpuLatencies.sort((a, b) => a - b);
  return {
    accuracy: f.accuracy,
    macroF1: f.macroF1,
    top3: f.top3,
    autoShare: auto.length / (answers.length || 1),
    autoPrecision: auto.length ? auto.filter((a) => a.ranked[0] === a.truth).length / auto.length : 0,
    trainSeconds,
    trainCpuSeconds,
    suggestP95Ms: latencies[Math.floor(latencies.length * 0.95)] ?? 0,
    suggestCpuP95Ms: cpuLatencies[Math.floor(cpuLatencies.length * 0.95)] ?? 0,
    threshold,
    modelBytes: outcome.model.model.length,
    perLabel: f.perLabel,
  };
}
