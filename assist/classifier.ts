import { BUCKETS, featureBuckets, learnVocabulary, vectorize, wordBucket, type SparseVector, type Vocabulary } from './features';
import { classWeights, decisionValues, trainOneVsRest } from './linear';

/** One labelled example, already segmented (assist/tokenize.ts). */
export interface Example {
  tokens: string[];
  label: string;
}

export interface Suggestion {
  label: string;
  /** Softmax of the decision values at the temperature fitted on held-out history (assist/train.ts), 0–1. */
  confidence: number;
  /** The words of the text that pushed hardest towards this label (weight × tf-idf), strongest first. */
  terms: string[];
}

/** A stored model: the serialised weights (`serialize()`) and the softmax temperature. */
export interface StoredModel {
  model: string;
  temperature: number;
}

/** /2: character 1-grams among the features (a /1 model's buckets would not match: retrain). */
const FORMAT = 'tfidf-linear-svm-hashed/2';
/** A feature kept in at least this many training texts. */
const MIN_DOCUMENTS = 2;
/** A served feature whose weights all stay under this is left out of the stored model (it moves no score). */
const NEGLIGIBLE = 5e-3;

/** A model as learnt, before it is stored. */
export interface Fitted {
  labels: string[];
  vocabulary: Vocabulary;
  /** One row per label: a weight per column, then the bias. */
  weights: Float32Array[];
}

/** Learns a linear model over the TF-IDF features (assist/features.ts `featureBuckets`) of the texts `rows` of `texts`, with SVM cost `c`, class-weighted (`classWeights`). */
export function learnLinear(texts: readonly Int32Array[], rows: readonly number[], labelOf: (row: number) => string, c: number): Fitted {
  const labels = [...new Set(rows.map(labelOf))].sort();
  const documents = rows.map((row) => texts[row]!);
  const vocabulary = learnVocabulary(documents, MIN_DOCUMENTS);
  const vectors = documents.map((document) => vectorize(columnsOf(document, vocabulary), vocabulary.idf));
  const labelIndex = Int32Array.from(rows, (row) => labels.indexOf(labelOf(row)));
  return { labels, vocabulary, weights: trainOneVsRest(vectors, labelIndex, labels.length, vocabulary.ids.length, c, classWeights(labelIndex, labels.length)) };
}

const columnsOf = (document: Int32Array, vocabulary: Vocabulary) => document.map((bucket) => vocabulary.column[bucket]!);

/** Decision values per label of a text's feature buckets; null when none of its features is known. */
export function fittedScores(fitted: Fitted, document: Int32Array): Float64Array | null {
  const x = vectorize(columnsOf(document, fitted.vocabulary), fitted.vocabulary.idf);
  return x.indices.length === 0 ? null : decisionValues(fitted.weights, x);
}

const toBase64 = (array: Float32Array | Int32Array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
function fromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

interface Stored {
  format: string;
  labels: string[];
  /** base64 int32: the feature buckets kept. */
  buckets: string;
  /** base64 float32, one per feature. */
  idf: string;
  /** base64 float32 per label, a weight per feature then the bias. */
  weights: string[];
}

/** The stored form of a fitted model: JSON with its buckets, idf and weights (base64); negligible features left out. */
export function serialize(fitted: Fitted): string {
  const { vocabulary, weights } = fitted;
  const keep: number[] = [];
  for (let col = 0; col < vocabulary.ids.length; col += 1) if (weights.some((w) => Math.abs(w[col]!) >= NEGLIGIBLE)) keep.push(col);
  const stored: Stored = {
    format: FORMAT,
    labels: fitted.labels,
    buckets: toBase64(Int32Array.from(keep, (col) => vocabulary.ids[col]!)),
    idf: toBase64(Float32Array.from(keep, (col) => vocabulary.idf[col]!)),
    weights: weights.map((w) => toBase64(Float32Array.from([...keep.map((col) => w[col]!), w[w.length - 1]!]))),
  };
  return JSON.stringify(stored);
}

/** A loaded model: a one-vs-rest linear SVM over TF-IDF features, scores turned into probabilities by a softmax. */
export class LinearModel {
  readonly labels: string[];
  /** Bucket → column, −1 for a bucket the model does not know (8 MiB, for constant-time look-ups). */
  private readonly column: Int32Array;
  private readonly idf: Float32Array;
  private readonly weights: Float32Array[];
  temperature: number;

  private constructor(stored: Stored, temperature: number) {
    this.labels = stored.labels;
    const buckets = new Int32Array(fromBase64(stored.buckets).buffer);
    this.column = new Int32Array(BUCKETS).fill(-1);
    buckets.forEach((b, col) => (this.column[b] = col));
    this.idf = fromBase64(stored.idf);
    this.weights = stored.weights.map(fromBase64);
    this.temperature = temperature;
  }

  /** A stored model, or null when it was stored in another format (an older kind of model: retrain). */
  static load(stored: StoredModel): LinearModel | null {
    const parsed = JSON.parse(stored.model) as Stored;
    return parsed.format === FORMAT ? new LinearModel(parsed, stored.temperature) : null;
  }

  /** The `top` most likely labels with their confidence and the words that drove each. */
  suggest(tokens: readonly string[], top = 3, termsPerLabel = 5): Suggestion[] {
    const x = vectorize(
      featureBuckets(tokens).map((b) => this.column[b]!),
      this.idf,
    );
    if (x.indices.length === 0) return [];
    const probabilities = softmax(decisionValues(this.weights, x), this.temperature);
    const order = [...probabilities.keys()].sort((a, b) => probabilities[b]! - probabilities[a]!).slice(0, top);
    return order.map((i) => ({ label: this.labels[i]!, confidence: probabilities[i]!, terms: this.drivers(tokens, x, i, termsPerLabel) }));
  }

  /**
   * The words with the largest positive contribution (weight × tf-idf) to label `i`'s score; a word
   * under a tenth of the strongest one's does not count as driving it.
   */
  private drivers(tokens: readonly string[], x: SparseVector, i: number, count: number): string[] {
    const w = this.weights[i]!;
    const value = new Map(Array.from(x.indices, (col, k) => [col, x.values[k]!]));
    const contributions: Array<{ word: string; contribution: number }> = [];
    for (const word of new Set(tokens)) {
      const col = this.column[wordBucket(word)]!;
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
