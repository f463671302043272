import winkNaiveBayes from 'wink-naive-bayes-text-classifier';

/** One labelled example, already segmented (assist/tokenize.ts). */
export interface Example {
  tokens: string[];
  label: string;
}

export interface Suggestion {
  label: string;
  /** Posterior probability after temperature scaling (assist/calibration.ts), 0–1. */
  confidence: number;
  /** The words of the text that pushed hardest towards this label, strongest first. */
  terms: string[];
}

/** The learnt counts, as wink-naive-bayes-text-classifier exports them, plus the temperature. */
export interface Counts {
  winkJson: string;
  temperature: number;
}

export const CLASSIFIER_CONFIG = { considerOnlyPresence: false, smoothingFactor: 0.03 } as const;

/** Learns the word counts per label with wink's naive Bayes (multinomial: a word counts as often as it occurs; light smoothing measured best, bench/RESULTS.md). */
export function learnCounts(examples: readonly Example[]): string {
  const nb = winkNaiveBayes();
  nb.defineConfig(CLASSIFIER_CONFIG);
  nb.definePrepTasks([(input) => input]);
  for (const example of examples) nb.learn(example.tokens, example.label);
  return nb.exportJSON();
}

type WinkExport = [{ considerOnlyPresence: boolean; smoothingFactor: number }, Record<string, number>, Record<string, Record<string, number>>, Record<string, number>, string[]];

/**
 * A loaded model: scores with the multinomial naive-Bayes posterior over wink's counts. wink's own
 * `computeOdds` answers one-vs-rest odds without a posterior or per-word reasons, so the arithmetic
 * (log prior + Σ log likelihood) is done here, where each word's share can be named.
 */
export class NaiveBayesModel {
  readonly labels: string[];
  private readonly logPrior: Float64Array;
  /** log p(word | label) per label, for the words seen in training. */
  private readonly logLikelihood: Map<string, Float64Array>;
  /** log p(unseen word | label): only the smoothing mass. */
  private readonly presenceOnly: boolean;
  temperature: number;

  constructor(counts: Counts) {
    const [config, samples, count, words, vocabulary] = JSON.parse(counts.winkJson) as WinkExport;
    this.labels = Object.keys(samples).sort();
    this.presenceOnly = config.considerOnlyPresence;
    this.temperature = counts.temperature;
    const total = this.labels.reduce((sum, label) => sum + (samples[label] ?? 0), 0);
    this.logPrior = Float64Array.from(this.labels, (label) => Math.log((samples[label] ?? 0) / total));
    const alpha = config.smoothingFactor;
    const denominators = this.labels.map((label) => Math.log((words[label] ?? 0) + vocabulary.length * alpha));
    this.logLikelihood = new Map();
    for (const word of vocabulary) {
      this.logLikelihood.set(
        word,
        Float64Array.from(this.labels, (label, i) => Math.log((count[label]?.[word] ?? 0) + alpha) - denominators[i]!),
      );
    }
  }

  /** Raw log-posterior (up to a constant) per label, and each known word's vector. */
  private score(tokens: readonly string[]): { scores: Float64Array; known: Array<[string, Float64Array]> } {
    const scores = Float64Array.from(this.logPrior);
    const seen = this.presenceOnly ? [...new Set(tokens)] : tokens;
    const known: Array<[string, Float64Array]> = [];
    for (const word of seen) {
      const vector = this.logLikelihood.get(word);
      if (!vector) continue;
      known.push([word, vector]);
      for (let i = 0; i < scores.length; i += 1) scores[i]! += vector[i]!;
    }
    return { scores, known };
  }

  /** Log-posterior scores per label (in `labels` order), up to a constant; null when no word is known. */
  logScores(tokens: readonly string[]): Float64Array | null {
    const { scores, known } = this.score(tokens);
    return known.length === 0 ? null : scores;
  }

  /** The `top` most likely labels with their confidence and the words that drove each. */
  suggest(tokens: readonly string[], top = 3, termsPerLabel = 5): Suggestion[] {
    const { scores, known } = this.score(tokens);
    if (known.length === 0) return [];
    const probabilities = softmax(scores, this.temperature);
    const order = [...probabilities.keys()].sort((a, b) => probabilities[b]! - probabilities[a]!).slice(0, top);
    return order.map((i) => ({ label: this.labels[i]!, confidence: probabilities[i]!, terms: this.drivers(known, i, termsPerLabel) }));
  }

  /** Words whose likelihood under label `i` most exceeds their average under the other labels. */
  private drivers(known: Array<[string, Float64Array]>, i: number, count: number): string[] {
    const others = this.labels.length - 1;
    const weighed = known.map(([word, vector]) => {
      let rest = 0;
      for (let j = 0; j < vector.length; j += 1) if (j !== i) rest += vector[j]!;
      return { word, lift: vector[i]! - (others > 0 ? rest / others : 0) };
    });
    return weighed
      .filter((w) => w.lift > 0)
      .sort((a, b) => b.lift - a.lift)
      .slice(0, count)
      .map((w) => w.word);
  }
}

export function softmax(scores: Float64Array, temperature: number): Float64Array {
  let max = -Infinity;
  for (const s of scores) max = Math.max(max, s);
  const out = Float64Array.from(scores, (s) => Math.exp((s - max) / temperature));
  const sum = out.reduce((a, b) => a + b, 0);
  for (let i = 0; i < out.length; i += 1) out[i]! /= sum;
  return out;
}
