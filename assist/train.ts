import { fittedScores, learnLinear, mixedProbabilities, serialize, type Example } from './classifier';
import { viewFeatures } from './features';
import { figures, thresholdFor, type Figures, type HeldOutAnswer, type Threshold } from './metrics';

/** Below this many examples, or with fewer than two departments, no model is trained. */
export const MIN_EXAMPLES = 20;
export const DEFAULT_TARGET_PRECISION = 0.98;
const INNER_FOLDS = 3;
/**
 * SVM costs tried by the inner cross-validation; the one with the best held-out macro-F1 is served.
 * Only 1 now: it won every inner cross-validation of the 4 grouped folds against 0.3, and each cost
 * tried costs 3 trainings (~7 CPU s on 4,600 texts) of the 60 s budget (bench/RESULTS.md).
 */
const COSTS = [1];
/** Softmax temperatures tried on the held-out decision values (which lie roughly in −2…2). */
const TEMPERATURES = [0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 1];
/** The characters view's shares of the mixed probabilities tried, with each temperature, on the held-out answers. */
const MIXES = [0.3, 0.4, 0.5, 0.6, 0.7];

export interface TrainedModel {
  /** The serialised linear model (`LinearModel.serialize`). */
  model: string;
  temperature: number;
  /** The characters view's share of the mixed probabilities (the words view has the rest). */
  mix: number;
  /** The SVM cost the inner cross-validation chose. */
  cost: number;
  labels: string[];
  examples: number;
  /** Figures of the held-out answers of an inner cross-validation on the training history. */
  heldOut: Figures;
  /** The auto-dispatch threshold on the certainty (`certainty`: top confidence less the second) for the target precision, or null when history cannot promise it. */
  threshold: Threshold | null;
  targetPrecision: number;
}

export type TrainOutcome =
  { ok: true; model: TrainedModel } | { ok: false; reason: 'too_little_history'; examples: number; labels: number };

/** Same text, same fold: an exact repost never sits on both sides of the inner split. */
function foldOf(tokens: readonly string[], folds: number): number {
  let hash = 2166136261;
  for (const ch of tokens.join(' ')) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  return hash % folds;
}

/**
 * Trains on the examples: an inner k-fold gives held-out answers, from which the temperature and the
 * views' mix (least log-loss), the figures and the threshold on the certainty for `targetPrecision`
 * are chosen; the served models are then learnt from every example. `onProgress` hears 0–1.
 */
export function trainModel(
  examples: readonly Example[],
  targetPrecision = DEFAULT_TARGET_PRECISION,
  onProgress: (fraction: number) => void = () => {},
): TrainOutcome {
  const labels = new Set(examples.map((e) => e.label));
  if (examples.length < MIN_EXAMPLES || labels.size < 2)
    return { ok: false, reason: 'too_little_history', examples: examples.length, labels: labels.size };
  const texts = examples.map((e) => viewFeatures(e.tokens));
  const folds = examples.map((e) => foldOf(e.tokens, INNER_FOLDS));
  const steps = COSTS.length * INNER_FOLDS + 1;
  let best: { c: number; heldOut: HeldOutScores[]; macroF1: number } | null = null;
  for (const [round, c] of COSTS.entries()) {
    const heldOut = heldOutScores(examples, texts, folds, c, (fold) => onProgress((round * INNER_FOLDS + fold + 1) / steps));
    const { macroF1 } = figures(heldOut.map((answer) => rankAt(answer, 1, 0.5)));
    if (!best || macroF1 > best.macroF1) best = { c, heldOut, macroF1 };
  }
  const { c, heldOut } = best!;
  const { temperature, mix } = bestMixture(heldOut);
  const answers: HeldOutAnswer[] = heldOut.map((answer) => rankAt(answer, temperature, mix));
  const served = learnLinear(
    texts,
    examples.map((_, i) => i),
    (i) => examples[i]!.label,
    c,
  );
  onProgress(1);
  return {
    ok: true,
    model: {
      model: serialize(served, mix),
      temperature,
      mix,
      cost: c,
      labels: [...labels].sort(),
      examples: examples.length,
      heldOut: figures(answers),
      threshold: thresholdFor(answers, targetPrecision),
      targetPrecision,
    },
  };
}

/** Each example's decision values from the inner fold's model that did not see it. A text with no known feature stays in, unanswered: it counts against the figures. */
function heldOutScores(
  examples: readonly Example[],
  texts: readonly Int32Array[][],
  folds: number[],
  c: number,
  done: (fold: number) => void,
): HeldOutScores[] {
  const heldOut: HeldOutScores[] = [];
  for (let fold = 0; fold < INNER_FOLDS; fold += 1) {
    const inside = examples.flatMap((e, i) => (folds[i] !== fold ? [i] : []));
    const model = learnLinear(texts, inside, (i) => examples[i]!.label, c);
    examples.forEach((example, i) => {
      if (folds[i] === fold) heldOut.push({ truth: example.label, scores: fittedScores(model, texts[i]!), labels: model.labels });
    });
    done(fold);
  }
  return heldOut;
}

interface HeldOutScores {
  truth: string;
  /** Per view (`VIEWS` order), null where the view knew none of the text's features. */
  scores: Array<Float64Array | null>;
  labels: string[];
}

/** A held-out text's answer at a temperature and mix; its confidence is the certainty the threshold is set on (top less second). */
function rankAt({ truth, scores, labels }: HeldOutScores, temperature: number, mix: number): HeldOutAnswer {
  const p = mixedProbabilities(scores, temperature, mix);
  if (!p) return { truth, ranked: [], confidence: 0 };
  const order = [...p.keys()].sort((a, b) => p[b]! - p[a]!);
  return { truth, ranked: order.map((i) => labels[i]!), confidence: p[order[0]!]! - (p[order[1]!] ?? 0) };
}

/** The temperature and mix with the least held-out log-loss (labels unseen in a fold's training are skipped). */
function bestMixture(heldOut: readonly HeldOutScores[]): { temperature: number; mix: number } {
  let best = { temperature: 1, mix: 0.5, loss: Infinity };
  for (const temperature of TEMPERATURES) {
    for (const mix of MIXES) {
      let loss = 0;
      for (const { truth, scores, labels } of heldOut) {
        const i = labels.indexOf(truth);
        const p = i >= 0 ? mixedProbabilities(scores, temperature, mix) : null;
        if (p) loss -= Math.log(Math.max(p[i]!, 1e-12));
      }
      if (loss < best.loss) best = { temperature, mix, loss };
    }
  }
  return { temperature: best.temperature, mix: best.mix };
}
