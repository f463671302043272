/**
 * A text's features for the linear models, in two views, each learnt by a model of its own
 * (assist/classifier.ts averages their probabilities): the words view, its words (jieba,
 * assist/tokenize.ts) and adjacent word pairs; the characters view, character 1- and 2-grams of the
 * words run together (they catch what segmentation splits differently from one text to the
 * next, common in Chinese). Hashed into buckets (the hashing trick: 1.5 million distinct strings in
 * 4,600 messages, which a table of strings would make slow and large). Weighted by TF-IDF with
 * sublinear tf (1 + log tf), L2-normalised within each view.
 */

/**
 * Features are hashed into this many buckets (2^23): no table of strings is kept or stored. 2^21
 * made frequent features share buckets: 2^23 raised the inner cross-validation's macro-F1 by 0.003
 * (bench/RESULTS.md).
 */
export const BUCKETS = 1 << 23;
const WORD = 0x811c9dc5;
const PAIR = 0x01000193;
const CHARS = 0x2f1c0a57;

/** FNV-1a over `text[from, to)`, continuing from `hash`. */
function fnv(hash: number, text: string, from = 0, to = text.length): number {
  let h = hash;
  for (let i = from; i < to; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h;
}

const bucket = (hash: number) => (hash >>> 0) & (BUCKETS - 1);

/** The bucket of a word feature (what `terms` may name). */
export const wordBucket = (word: string) => bucket(fnv(WORD, word));

/**
 * Lengths of the character n-grams. With the characters a view of their own, 1- and 2-grams did better
 * than 1-, 2- and 3-grams on the training side's inner cross-validation (macro-F1 0.911 against 0.908,
 * 68.4 % against 67.1 % covered at 98 %) at half the training time (bench/RESULTS.md).
 */
const CHAR_GRAMS = [1, 2];

/** The two views, in the order the models store them. */
export const VIEWS = ['words', 'characters'] as const;
export type View = (typeof VIEWS)[number];

/** The words view's buckets, one per occurrence: words and adjacent word pairs. */
export function wordFeatures(tokens: readonly string[]): Int32Array {
  const out = new Int32Array(Math.max(0, tokens.length * 2 - 1));
  let k = 0;
  tokens.forEach((token, i) => {
    out[k++] = wordBucket(token);
    if (i > 0) out[k++] = bucket(fnv(fnv(fnv(PAIR, tokens[i - 1]!), ' '), token));
  });
  return out;
}

/** The characters view's buckets, one per occurrence: character 1- and 2-grams of the words run together. */
export function characterFeatures(tokens: readonly string[]): Int32Array {
  const run = tokens.join('');
  const out = new Int32Array(CHAR_GRAMS.reduce((sum, n) => sum + Math.max(0, run.length - n + 1), 0));
  let k = 0;
  for (const n of CHAR_GRAMS) for (let i = 0; i + n <= run.length; i += 1) out[k++] = bucket(fnv(CHARS + n, run, i, i + n));
  return out;
}

/** A segmented text's buckets in each view (`VIEWS` order). */
export const viewFeatures = (tokens: readonly string[]): Int32Array[] => [wordFeatures(tokens), characterFeatures(tokens)];

/** A sparse vector: feature indices (ascending) and their values. */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

/** The feature buckets kept from some texts, and their idf = ln((1 + n) / (1 + df)) + 1. */
export interface Vocabulary {
  /** Bucket → column, or −1 for a bucket not kept. */
  column: Int32Array;
  /** Column → bucket. */
  ids: Int32Array;
  idf: Float32Array;
}

/** Features occurring in at least `minDocuments` of the texts. */
export function learnVocabulary(documents: readonly Int32Array[], minDocuments: number, size = BUCKETS): Vocabulary {
  const df = new Int32Array(size);
  const seenIn = new Int32Array(size).fill(-1);
  documents.forEach((document, d) => {
    for (const id of document) {
      if (seenIn[id] === d) continue;
      seenIn[id] = d;
      df[id]! += 1;
    }
  });
  const column = new Int32Array(size).fill(-1);
  const ids: number[] = [];
  for (let id = 0; id < size; id += 1) {
    if (df[id]! < minDocuments) continue;
    column[id] = ids.length;
    ids.push(id);
  }
  const n = documents.length;
  return { column, ids: Int32Array.from(ids), idf: Float32Array.from(ids, (id) => Math.log((1 + n) / (1 + df[id]!)) + 1) };
}

/** Sublinear TF-IDF of a text's columns (−1, a feature outside the vocabulary, dropped), L2-normalised. */
export function vectorize(columns: Int32Array, idf: Float32Array): SparseVector {
  const sorted = columns.filter((c) => c >= 0).sort();
  const indices: number[] = [];
  const values: number[] = [];
  let norm = 0;
  for (let k = 0; k < sorted.length;) {
    let end = k + 1;
    while (end < sorted.length && sorted[end] === sorted[k]) end += 1;
    const v = (1 + Math.log(end - k)) * idf[sorted[k]!]!;
    indices.push(sorted[k]!);
    values.push(v);
    norm += v * v;
    k = end;
  }
  norm = Math.sqrt(norm) || 1;
  return { indices: Int32Array.from(indices), values: Float32Array.from(values, (v) => v / norm) };
}
