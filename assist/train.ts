import { learnCounts, NaiveBayesModel, softmax, type Example } from './classifier';
import { figures, thresholdFor, type Figures, type HeldOutAnswer, type Threshold } from './metrics';

/** Below this many examples, or with fewer than two departments, no model is trained. */
export const MIN_EXAMPLES = 20;
export const DEFAULT_TARGET_PRECISION = 0.98;
const INNER_FOLDS = 5;
const TEMPERATURES = [1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64];

export interface TrainedModel {
  winkJson: string;
  temperature: number;
  labels: string[];
  examples: number;
  /** Figures of the held-out answers of an inner cross-validation on the training history. */
  heldOut: Figures;
  /** The auto-dispatch threshold for the target precision, or null when history cannot promise it. */
  threshold: Threshold | null;
  targetPrecision: number;
}

export type TrainOutcome = { ok: true; model: TrainedModel } | { ok: false; reason: 'too_little_history'; examples: number; labels: number };

/** Same text, same fold: an exact repost never sits on both sides of the inner split. */
function foldOf(tokens: readonly string[], folds: number): number {
  let hash = 2166136261;
  for (const ch of tokens.join(' ')) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  return hash % folds;
}

/**
 * Trains on the examples: an inner k-fold gives held-out answers, from which the temperature (least
 * log-loss), the figures and the threshold for `targetPrecision` are chosen; the served counts are then
 * learnt from every example. `onProgress` hears 0–1.
 */
export function trainModel(examples: readonly Example[], targetPrecision = DEFAULT_TARGET_PRECISION, onProgress: (fraction: number) => void = () => {}): TrainOutcome {
  const labels = new Set(examples.map((e) => e.label));
  if (examples.length < MIN_EXAMPLES || labels.size < 2) return { ok: false, reason: 'too_little_history', examples: examples.length, labels: labels.size };
  const folds = examples.map((e) => foldOf(e.tokens, INNER_FOLDS));
  // A text with no word the fold's model knows stays in, unanswered: it counts against the figures.
  const heldOut: HeldOutScores[] = [];
  for (let fold = 0; fold < INNER_FOLDS; fold += 1) {
    const model = new NaiveBayesModel({ winkJson: learnCounts(examples.filter((_, i) => folds[i] !== fold)), temperature: 1 });
    examples.forEach((example, i) => {
      if (folds[i] !== fold) return;
      heldOut.push({ truth: example.label, scores: model.logScores(example.tokens), labels: model.labels });
    });
    onProgress(((fold + 1) / (INNER_FOLDS + 1)) * 0.9);
  }
  const temperature = bestTemperature(heldOut);
  const answers: HeldOutAnswer[] = heldOut.map(({ truth, scores, labels: names }) => rankAt(truth, scores, names, temperature));
  const winkJson = learnCounts(examples);
  onProgress(1);
  return {
    ok: true,
    model: { winkJson, temperature, labels: [...labels].sort(), examples: examples.length, heldOut: figures(answers), threshold: thresholdFor(answers, targetPrecision), targetPrecision },
  };
}

interface HeldOutScores {
  truth: string;
  scores: Float64Array | null;
  labels: string[];
}

function rankAt(truth: string, scores: Float64Array | null, labels: string[], temperature: number): HeldOutAnswer {
  if (!scores) return { truth, ranked: [], confidence: 0 };
  const p = softmax(scores, temperature);
  const order = [...p.keys()].sort((a, b) => p[b]! - p[a]!);
  return { truth, ranked: order.map((i) => labels[i]!), confidence: p[order[0]!]! };
}

/** The temperature with the least held-out log-loss (labels unseen in a fold's training are skipped). */
function bestTemperature(heldOut: readonly HeldOutScores[]): number {
  let best = { temperature: 1, loss: Infinity };
  for (const temperature of TEMPERATURES) {
    let loss = 0;
    for (const { truth, scores, labels } of heldOut) {
      const i = labels.indexOf(truth);
      if (scores && i >= 0) loss -= Math.log(Math.max(softmax(scores, temperature)[i]!, 1e-12));
    }
    if (loss < best.loss) best = { temperature, loss };
  }
  return best.temperature;
}
