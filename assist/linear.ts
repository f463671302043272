import type { SparseVector } from './features';

/**
 * One-vs-rest linear SVM (squared hinge loss, L2-regularised), solved by dual coordinate descent as
 * liblinear does (Hsieh et al., ICML 2008), over sparse vectors, with a bias as one more constant
 * feature. No installed package fits (see assist/README.md), so it is written here.
 *
 * Class-weighted as liblinear's `-wi`: in label k's binary problem its own texts get cost
 * `c × classWeights[k]`, the rest `c`. Returns one weight row per label, `dimension + 1` long (the last
 * entry the bias).
 */
export function trainOneVsRest(vectors: readonly SparseVector[], labelIndex: Int32Array, labels: number, dimension: number, c: number, classWeights?: ArrayLike<number>): Float32Array[] {
  const rows = compressedRows(vectors);
  return Array.from({ length: labels }, (_, k) => trainBinary(rows, Int8Array.from(labelIndex, (l) => (l === k ? 1 : -1)), dimension, c * (classWeights?.[k] ?? 1), c));
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
interface Rows {
  start: Int32Array;
  index: Int32Array;
  value: Float64Array;
}

function compressedRows(vectors: readonly SparseVector[]): Rows {
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
