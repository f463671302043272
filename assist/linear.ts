import type { SparseVector } from './features';

/**
 * One-vs-rest linear SVM (squared hinge loss, L2-regularised), solved by dual coordinate descent as
 * liblinear does (Hsieh et al., ICML 2008), over sparse vectors, with a bias as one more constant
 * feature. No installed package fits (see assist/README.md), so it is written here.
 *
 * Class-weighted as liblinear's `-wi`: in label k's binary problem its own texts get cost
 * `c × classWeights[k]`, the rest `c`. Each binary problem is learnt twice, on the features as they are
 * and scaled by their naive-Bayes log-count ratio (NBSVM, `logCountRatio`), and the two are averaged
 * (`binaryPair`). Returns one weight row per label, `dimension + 1` long (the last entry the bias),
 * scoring an unscaled vector: serving is as before.
 */
export function trainOneVsRest(vectors: readonly SparseVector[], labelIndex: Int32Array, labels: number, dimension: number, c: number, classWeights?: ArrayLike<number>): Float32Array[] {
  const rows = compressedRows(vectors);
  return Array.from({ length: labels }, (_, k) => {
    const y = Int8Array.from(labelIndex, (l) => (l === k ? 1 : -1));
    return binaryPair(rows, y, dimension, c * (classWeights?.[k] ?? 1), c);
  });
}

/**
 * One binary problem as the mean of two SVMs, one on r ⊙ x (NBSVM) and one on x. A mean of linear
 * models is one linear model, so it costs nothing at serving. On the inner cross-validation of two
 * folds' training sides (mean macro-F1): NBSVM alone 0.9175, plain SVM alone 0.910; NBSVM weighted
 * 0.25 → 0.916, 0.5 → 0.919, 0.75 → 0.919 (bench/RESULTS.md). Training takes ~25 % more CPU.
 */
function binaryPair(rows: Rows, y: Int8Array, dimension: number, cPositive: number, cNegative: number): Float32Array {
  const r = logCountRatio(rows, y, dimension);
  const nb = foldRatio(trainBinary(scaled(rows, r), y, dimension, cPositive, cNegative), r);
  const plain = trainBinary(rows, y, dimension, cPositive, cNegative);
  return nb.map((w, j) => (w + plain[j]!) / 2);
}

/**
 * NBSVM (Wang & Manning, ACL 2012): each feature's naive-Bayes log-count ratio in one binary problem,
 * r = ln((p / ‖p‖₁) / (q / ‖q‖₁)), p and q the numbers of the label's own and of the other texts that
 * hold it (`vectorize` gives a feature once per text), plus `alpha`. The SVM then sees r ⊙ x: features that tell the label apart weigh more, those
 * spread evenly over the labels less. Alone, it raised the inner cross-validation's macro-F1 by
 * 0.004–0.007 (bench/RESULTS.md); interpolating towards naive Bayes (their β = 0.25, 0.75) did worse,
 * as did α = 0.5 or 2.
 */
export function logCountRatio({ start, index }: Rows, y: Int8Array, dimension: number, alpha = 1): Float64Array {
  const p = new Float64Array(dimension).fill(alpha);
  const q = new Float64Array(dimension).fill(alpha);
  for (let i = 0; i < y.length; i += 1) {
    const counts = y[i]! > 0 ? p : q;
    for (let k = start[i]!; k < start[i + 1]!; k += 1) counts[index[k]!]! += 1;
  }
  const pTotal = p.reduce((a, b) => a + b, 0);
  const qTotal = q.reduce((a, b) => a + b, 0);
  return p.map((pj, j) => Math.log(pj / pTotal / (q[j]! / qTotal)));
}

/** The rows with each value multiplied by its feature's ratio. */
function scaled(rows: Rows, r: Float64Array): Rows {
  return { ...rows, value: rows.value.map((v, k) => v * r[rows.index[k]!]!) };
}

/** w · (r ⊙ x) = (w ⊙ r) · x: the ratio folded into the weights, so serving needs no ratio (the bias stays). */
function foldRatio(w: Float32Array, r: Float64Array): Float32Array {
  return w.map((wj, j) => (j < r.length ? wj * r[j]! : wj));
}

/**
 * Balanced class weights, softened: (n / (labels × n_k))^power. A small department's texts weigh more,
 * so its recall is not sacrificed to the large ones'. Power 0.5 measured best on the grouped folds.
 */
export function classWeights(labelIndex: Int32Array, labels: number, power = 0.5): Float64Array {
  const counts = new Float64Array(labels);
  for (const l of labelIndex) counts[l]! += 1;
  return counts.map((n) => (n > 0 ? (labelIndex.length / (labels * n)) ** power : 1));
}

const MAX_EPOCHS = 50;
const TOLERANCE = 0.1;
const BIAS = 1;

/** The vectors in one pair of arrays (row i's entries at start[i]…start[i+1]), for memory locality. */
export interface Rows {
  start: Int32Array;
  index: Int32Array;
  value: Float64Array;
}

export function compressedRows(vectors: readonly SparseVector[]): Rows {
  const start = new Int32Array(vectors.length + 1);
  vectors.forEach((x, i) => (start[i + 1] = start[i]! + x.indices.length));
  const index = new Int32Array(start[vectors.length]!);
  const value = new Float64Array(start[vectors.length]!);
  vectors.forEach((x, i) => {
    index.set(x.indices, start[i]);
    value.set(x.values, start[i]);
  });
  return { start, index, value };
}

function shuffle(order: Int32Array, seed: number): number {
  let s = seed;
  for (let i = order.length - 1; i > 0; i -= 1) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return s;
}

/** A binary problem: the texts with y = +1 at cost `cPositive`, the others at `cNegative`. */
function trainBinary({ start, index, value }: Rows, y: Int8Array, dimension: number, cPositive: number, cNegative: number): Float32Array {
  const n = y.length;
  const w = new Float64Array(dimension + 1);
  const alpha = new Float64Array(n);
  const diagonals = [1 / (2 * cNegative), 1 / (2 * cPositive)];
  const qii = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    let s = BIAS * BIAS + diagonals[y[i]! > 0 ? 1 : 0]!;
    for (let p = start[i]!; p < start[i + 1]!; p += 1) s += value[p]! * value[p]!;
    qii[i] = s;
  }
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let seed = 12345;
  for (let epoch = 0; epoch < MAX_EPOCHS; epoch += 1) {
    seed = shuffle(order, seed);
    let maxPg = -Infinity;
    let minPg = Infinity;
    for (let o = 0; o < n; o += 1) {
      const i = order[o]!;
      const from = start[i]!;
      const to = start[i + 1]!;
      let dot = w[dimension]! * BIAS;
      for (let p = from; p < to; p += 1) dot += w[index[p]!]! * value[p]!;
      const yi = y[i]!;
      const a = alpha[i]!;
      const g = yi * dot - 1 + diagonals[yi > 0 ? 1 : 0]! * a;
      const pg = a === 0 ? Math.min(g, 0) : g;
      if (pg > maxPg) maxPg = pg;
      if (pg < minPg) minPg = pg;
      if (Math.abs(pg) < 1e-12) continue;
      const next = Math.max(a - g / qii[i]!, 0);
      alpha[i] = next;
      const step = (next - a) * yi;
      for (let p = from; p < to; p += 1) w[index[p]!]! += step * value[p]!;
      w[dimension]! += step * BIAS;
    }
    if (maxPg - minPg < TOLERANCE) break;
  }
  return Float32Array.from(w);
}

/** Decision values of each label's row for one vector. */
export function decisionValues(weights: readonly Float32Array[], x: SparseVector): Float64Array {
  return Float64Array.from(weights, (w) => {
    let s = w[w.length - 1]! * BIAS;
    for (let k = 0; k < x.indices.length; k += 1) s += w[x.indices[k]!]! * x.values[k]!;
    return s;
  });
}
