import { BUCKETS, learnVocabulary, vectorize, VIEWS, viewFeatures, wordBucket, type SparseVector, type Vocabulary } from './features';
import { classWeights, decisionValues, trainOneVsRest } from './linear';

/** One labelled example, already segmented (assist/tokenize.ts). */
export interface Example {
  tokens: string[];
  label: string;
}

export interface Suggestion {
  label: string;
  /** The views' softmax probabilities at the temperature fitted on held-out history, mixed (`mixedProbabilities`, assist/train.ts), 0–1. */
  confidence: number;
  /** The words of the text that pushed hardest towards this label (weight × tf-idf), strongest first. */
  terms: string[];
}

/** A stored model: the serialised weights (`serialize()`) and the softmax temperature. */
export interface StoredModel {
  model: string;
  temperature: number;
}

/**
 * /3: two views (words, characters), each its own linear model, probabilities mixed by `mix`, buckets
 * 2^23. A /2 (one model over all features, 2^21 buckets) or earlier model is not served: retrain.
 */
const FORMAT = 'tfidf-linear-svm-hashed/3';
/**
 * A feature kept in at least this many training texts. 5 rather than 2 since the features are scaled
 * by their naive-Bayes ratio (assist/linear.ts): a rare feature's ratio is large and mostly chance.
 * Inner cross-validation on two folds' training sides, mean macro-F1: 2 → 0.914, 3 → 0.917,
 * 4 → 0.917, 5 → 0.9175 (73.2 % auto-dispatched), 6 → 0.918 (70.8 %), 8 → 0.916, 12 → 0.915. The
 * stored model is 3.5 times smaller (bench/RESULTS.md).
 */
const MIN_DOCUMENTS = 5;
/** A served feature whose weights all stay under this is left out of the stored model (it moves no score). */
const NEGLIGIBLE = 5e-3;

/** One view's model as learnt: its vocabulary and one row per label (a weight per column, then the bias). */
export interface FittedView {
  vocabulary: Vocabulary;
  weights: Float32Array[];
}

/** A model as learnt, before it is stored: one linear model per view (assist/features.ts `VIEWS`). */
export interface Fitted {
  labels: string[];
  views: FittedView[];
}

/**
 * Learns one linear model per view over the TF-IDF features of the texts `rows` of `texts` (each
 * text's buckets per view, assist/features.ts `viewFeatures`), with SVM cost `c`, class-weighted
 * (`classWeights`).
 */
export function learnLinear(texts: readonly Int32Array[][], rows: readonly number[], labelOf: (row: number) => string, c: number): Fitted {
  const labels = [...new Set(rows.map(labelOf))].sort();
  const labelIndex = Int32Array.from(rows, (row) => labels.indexOf(labelOf(row)));
  const weights = classWeights(labelIndex, labels.length);
  const views = VIEWS.map((_, v) => {
    const documents = rows.map((row) => texts[row]![v]!);
    const vocabulary = learnVocabulary(documents, MIN_DOCUMENTS);
    const vectors = documents.map((document) => vectorize(columnsOf(document, vocabulary.column), vocabulary.idf));
    return { vocabulary, weights: trainOneVsRest(vectors, labelIndex, labels.length, vocabulary.ids.length, c, weights) };
  });
  return { labels, views };
}

const columnsOf = (document: Int32Array, column: Int32Array) => document.map((bucket) => column[bucket]!);

/** Decision values per view (each per label) of a text's buckets per view; null for a view where none of its features is known. */
export function fittedScores(fitted: Fitted, document: readonly Int32Array[]): Array<Float64Array | null> {
  return fitted.views.map(({ vocabulary, weights }, v) => {
    const x = vectorize(columnsOf(document[v]!, vocabulary.column), vocabulary.idf);
    return x.indices.length === 0 ? null : decisionValues(weights, x);
  });
}

/**
 * The views' probabilities mixed: (1 − mix) × softmax(words) + mix × softmax(characters), each at
 * `temperature`; a view that knows none of the text's features leaves the answer to the other. Null
 * when neither knows any.
 */
export function mixedProbabilities(scores: ReadonlyArray<Float64Array | null>, temperature: number, mix: number): Float64Array | null {
  const known = scores.flatMap((s, v) => (s ? [{ p: softmax(s, temperature), weight: v === 0 ? 1 - mix : mix }] : []));
  if (known.length === 0) return null;
  const total = known.reduce((sum, k) => sum + k.weight, 0);
  const out = new Float64Array(known[0]!.p.length);
  for (const { p, weight } of known) for (let i = 0; i < out.length; i += 1) out[i]! += (p[i]! * weight) / total;
  return out;
}

/** The auto-dispatch certainty (top confidence less the second): one rule, in domain/. */
export { certainty } from '../domain/auto-dispatch';

const toBase64 = (array: Float32Array | Int32Array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
function fromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

interface StoredView {
  /** base64 int32: the feature buckets kept. */
  buckets: string;
  /** base64 float32, one per feature. */
  idf: string;
  /** base64 float32 per label, a weight per feature then the bias. */
  weights: string[];
}

interface Stored {
  format: string;
  labels: string[];
  /** The characters view's share of the mixed probabilities (`mixedProbabilities`). */
  mix: number;
  /** One per view, in `VIEWS` order. */
  views: StoredView[];
}

function serializeView({ vocabulary, weights }: FittedView): StoredView {
  const keep: number[] = [];
  for (let col = 0; col < vocabulary.ids.length; col += 1) if (weights.some((w) => Math.abs(w[col]!) >= NEGLIGIBLE)) keep.push(col);
  return {
    buckets: toBase64(Int32Array.from(keep, (col) => vocabulary.ids[col]!)),
    idf: toBase64(Float32Array.from(keep, (col) => vocabulary.idf[col]!)),
    weights: weights.map((w) => toBase64(Float32Array.from([...keep.map((col) => w[col]!), w[w.length - 1]!]))),
  };
}

/** The stored form of a fitted model and its mix: JSON with each view's buckets, idf and weights (base64); negligible features left out. */
export function serialize(fitted: Fitted, mix: number): string {
  const stored: Stored = { format: FORMAT, labels: fitted.labels, mix, views: fitted.views.map(serializeView) };
  return JSON.stringify(stored);
}

/** One view as served. */
class ServedView {
  /** Bucket → column, −1 for a bucket the view does not know (32 MiB, for constant-time look-ups). */
  readonly column: Int32Array;
  readonly idf: Float32Array;
  readonly weights: Float32Array[];

  constructor(stored: StoredView) {
    const buckets = new Int32Array(fromBase64(stored.buckets).buffer);
    this.column = new Int32Array(BUCKETS).fill(-1);
    buckets.forEach((b, col) => (this.column[b] = col));
    this.idf = fromBase64(stored.idf);
    this.weights = stored.weights.map(fromBase64);
  }

  vector(buckets: Int32Array): SparseVector {
    return vectorize(columnsOf(buckets, this.column), this.idf);
  }
}

/** A loaded model: a one-vs-rest linear SVM per view over TF-IDF features, their softmax probabilities mixed. */
export class LinearModel {
  readonly labels: string[];
  private readonly views: ServedView[];
  private readonly mix: number;
  temperature: number;

  private constructor(stored: Stored, temperature: number) {
    this.labels = stored.labels;
    this.views = stored.views.map((view) => new ServedView(view));
    this.mix = stored.mix;
    this.temperature = temperature;
  }

  /** A stored model, or null when it was stored in another format (an older kind of model: retrain). */
  static load(stored: StoredModel): LinearModel | null {
    const parsed = JSON.parse(stored.model) as Stored;
    return parsed.format === FORMAT && parsed.views?.length === VIEWS.length ? new LinearModel(parsed, stored.temperature) : null;
  }

  /** The `top` most likely labels with their confidence and the words that drove each. */
  suggest(tokens: readonly string[], top = 3, termsPerLabel = 5): Suggestion[] {
    const vectors = viewFeatures(tokens).map((buckets, v) => this.views[v]!.vector(buckets));
    const scores = vectors.map((x, v) => (x.indices.length === 0 ? null : decisionValues(this.views[v]!.weights, x)));
    const probabilities = mixedProbabilities(scores, this.temperature, this.mix);
    if (!probabilities) return [];
    const order = [...probabilities.keys()].sort((a, b) => probabilities[b]! - probabilities[a]!).slice(0, top);
    return order.map((i) => ({
      label: this.labels[i]!,
      confidence: probabilities[i]!,
      terms: this.drivers(tokens, vectors[0]!, i, termsPerLabel),
    }));
  }

  /**
   * The words with the largest positive contribution (weight × tf-idf) to label `i`'s score in the words view; a word
   * under a tenth of the strongest one's does not count as driving it.
   */
  private drivers(tokens: readonly string[], x: SparseVector, i: number, count: number): string[] {
    const words = this.views[0]!;
    const w = words.weights[i]!;
    const value = new Map(Array.from(x.indices, (col, k) => [col, x.values[k]!]));
    const contributions: Array<{ word: string; contribution: number }> = [];
    for (const word of new Set(tokens)) {
      const col = words.column[wordBucket(word)]!;
      const contribution = col >= 0 ? w[col]! * (value.get(col) ?? 0) : 0;
      if (contribution > 0) contributions.push({ word, contribution });
    }
    contributions.sort((a, b) => b.contribution - a.contribution);
    const floor = (contributions[0]?.contribution ?? 0) / 10;
    return contributions
      .filter((c) => c.contribution >= floor)
      .slice(0, count)
      .map((c) => c.word);
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
