import { describe, expect, it } from 'vitest';
import { certainty, LinearModel, mixedProbabilities } from '../../../assist/classifier';
import { characterFeatures, viewFeatures, wordFeatures } from '../../../assist/features';
import { classWeights, compressedRows, decisionValues, logCountRatio, trainOneVsRest } from '../../../assist/linear';
import { thresholdFor, type HeldOutAnswer } from '../../../assist/metrics';
import { documentTokens, tokens } from '../../../assist/tokenize';
import { MIN_EXAMPLES, trainModel } from '../../../assist/train';
import { madeUpHistory } from '../../support/ai-history';

const examples = madeUpHistory(30).map((row) => ({ tokens: documentTokens(row.title, row.text), label: row.topic }));

describe('segmentation', () => {
  it('cuts Chinese into words and drops punctuation and greetings', () => {
    const words = tokens('您好，小区门口的道路积水严重！');
    expect(words).toContain('道路');
    expect(words).toContain('积水');
    expect(words).not.toContain('您好');
    expect(words).not.toContain('，');
  });
});

// Training allocates a few 2^23-bucket tables per fit: on a loaded shared machine it needs more than the default 10 s.
describe('department suggestion', { timeout: 60_000 }, () => {
  it('trains, then suggests the top 3 with confidences summing to at most 1 and the words that drove each', () => {
    const outcome = trainModel(examples);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.model.heldOut.accuracy).toBeGreaterThan(0.9);
    const model = LinearModel.load(outcome.model)!;
    const suggestions = model.suggest(documentTokens('校车问题', '学校的校车每天超载，学生上学不安全'));
    expect(suggestions).toHaveLength(3);
    expect(suggestions[0]!.label).toBe('schools');
    expect(suggestions[0]!.confidence).toBeGreaterThan(suggestions[1]!.confidence);
    expect(suggestions.reduce((sum, s) => sum + s.confidence, 0)).toBeLessThanOrEqual(1 + 1e-9);
    expect(suggestions[0]!.terms).toContain('校车');
    expect(suggestions[0]!.terms).not.toContain('每天');
  });

  it('a text with no known word (nor character) gets no suggestion, not an error', () => {
    const outcome = trainModel(examples);
    if (!outcome.ok) throw new Error('trained');
    expect(LinearModel.load(outcome.model)!.suggest(tokens('彩虹蝴蝶翩翩飞舞'))).toEqual([]);
  });

  it('a model stored in an earlier format (one model over all features, /2) is not served: it asks for a retraining', () => {
    const earlier = JSON.stringify({ format: 'tfidf-linear-svm-hashed/2', labels: ['a', 'b'], buckets: '', idf: '', weights: ['', ''] });
    expect(LinearModel.load({ model: earlier, temperature: 0.2 })).toBeNull();
  });

  it('an empty or tiny history trains no model and says why', () => {
    expect(trainModel([])).toEqual({ ok: false, reason: 'too_little_history', examples: 0, labels: 0 });
    const oneDepartment = examples.filter((e) => e.label === 'traffic');
    expect(trainModel(oneDepartment)).toMatchObject({ ok: false, labels: 1 });
    expect(trainModel(examples.slice(0, MIN_EXAMPLES - 1))).toMatchObject({ ok: false, reason: 'too_little_history' });
  });
});

describe('features and class weights', () => {
  it('count words and adjacent word pairs in one view, character 1- and 2-grams in the other, so a text sharing only a character with another still meets it', () => {
    // 2 words + 1 pair; on the run 供水停水: 4 single characters and 3 pairs.
    expect(wordFeatures(['供水', '停水'])).toHaveLength(3);
    expect(characterFeatures(['供水', '停水'])).toHaveLength(7);
    const [, single] = viewFeatures(['水']);
    expect([...characterFeatures(['供水', '停水'])].some((b) => single!.includes(b))).toBe(true);
    expect([...wordFeatures(['供水', '停水'])].some((b) => single!.includes(b))).toBe(false);
  });

  it('mix the views’ probabilities by the characters view’s share; a view that knows nothing of the text leaves it to the other', () => {
    const words = Float64Array.from([1, 0]);
    const characters = Float64Array.from([0, 1]);
    const mixed = mixedProbabilities([words, characters], 1, 0.75)!;
    const e = Math.E / (1 + Math.E);
    expect(mixed[0]).toBeCloseTo(0.25 * e + 0.75 * (1 - e));
    expect(mixed[0]! + mixed[1]!).toBeCloseTo(1);
    expect(mixedProbabilities([null, characters], 1, 0.75)![1]).toBeCloseTo(e);
    expect(mixedProbabilities([null, null], 1, 0.5)).toBeNull();
  });

  it('the certainty is the top confidence less the second', () => {
    expect(certainty([{ confidence: 0.7 }, { confidence: 0.2 }, { confidence: 0.1 }])).toBeCloseTo(0.5);
    expect(certainty([{ confidence: 0.9 }])).toBeCloseTo(0.9);
    expect(certainty([])).toBe(0);
  });

  it('weigh a small department’s texts more, softened by the power', () => {
    const labelIndex = Int32Array.from([0, 0, 0, 1]);
    const [large, small] = classWeights(labelIndex, 2);
    expect(large).toBeCloseTo(Math.sqrt(4 / 6));
    expect(small).toBeCloseTo(Math.sqrt(2));
    expect([...classWeights(labelIndex, 2, 0)]).toEqual([1, 1]);
  });

  it('scale a feature by its naive-Bayes log-count ratio (up for the label’s own, down for the others’, zero for one spread evenly), folded back into the weights', () => {
    // Feature 0 only in the label's texts, feature 1 only in the others', feature 2 in all of them.
    const x = (...indices: number[]) => ({ indices: Int32Array.from(indices), values: new Float32Array(indices.length).fill(1) });
    const rows = compressedRows([x(0, 2), x(0, 2), x(1, 2), x(1, 2)]);
    const r = logCountRatio(rows, Int8Array.from([1, 1, -1, -1]), 3);
    // p = (3, 1, 3) and q = (1, 3, 3) with α = 1, each over its sum 7.
    expect(r[0]).toBeCloseTo(Math.log(3));
    expect(r[1]).toBeCloseTo(-Math.log(3));
    expect(r[2]).toBeCloseTo(0);
    // The scaled model's weights are folded back: each row scores the unscaled vectors.
    const [own, other] = trainOneVsRest([x(0, 2), x(0, 2), x(1, 2), x(1, 2)], Int32Array.from([0, 0, 1, 1]), 2, 3, 1);
    expect(own![0]).toBeGreaterThan(0);
    expect(other![1]).toBeGreaterThan(0);
    expect(decisionValues([own!], x(0, 2))[0]).toBeGreaterThan(0);
    expect(decisionValues([own!], x(1, 2))[0]).toBeLessThan(0);
  });

  it('a heavier cost on a department pulls an ambiguous text towards it', () => {
    // Feature 0 says department 0, feature 1 department 1; the ambiguous text has both equally.
    const x = (a: number, b: number) => ({ indices: Int32Array.from([0, 1]), values: Float32Array.from([a, b]) });
    const vectors = [x(1, 0.2), x(0.9, 0.3), x(1, 0.1), x(0.8, 0.4), x(0.3, 0.9), x(0.2, 1)];
    const labelIndex = Int32Array.from([0, 0, 0, 0, 1, 1]);
    const ambiguous = x(0.6, 0.6);
    const margin = (weights: Float32Array[]) => {
      const [a, b] = decisionValues(weights, ambiguous);
      return b! - a!;
    };
    const plain = trainOneVsRest(vectors, labelIndex, 2, 2, 0.1);
    const weighted = trainOneVsRest(vectors, labelIndex, 2, 2, 0.1, classWeights(labelIndex, 2, 1));
    expect(margin(weighted)).toBeGreaterThan(margin(plain));
  });
});

describe('the auto-dispatch threshold', () => {
  const answer = (confidence: number, right: boolean): HeldOutAnswer => ({ truth: 'a', ranked: [right ? 'a' : 'b'], confidence });

  it('is the deepest confidence cut whose precision still reaches the target, with its coverage', () => {
    // 40 confident and right, then one wrong at 0.8, then 40 right at 0.7, then 20 wrong at 0.5.
    const answers = [
      ...Array.from({ length: 40 }, (_, i) => answer(0.99 - i * 0.001, true)),
      answer(0.8, false),
      ...Array.from({ length: 40 }, (_, i) => answer(0.7 - i * 0.001, true)),
      ...Array.from({ length: 20 }, (_, i) => answer(0.5 - i * 0.001, false)),
    ];
    const found = thresholdFor(answers, 0.98)!;
    // 80 right of 81 = 0.9877 ≥ 0.98 down to the last right answer; one more wrong one drops it below.
    expect(found.threshold).toBeCloseTo(0.7 - 39 * 0.001);
    expect(found.coverage).toBeCloseTo(81 / 101);
    expect(found.precision).toBeGreaterThanOrEqual(0.98);
    expect(thresholdFor(answers, 0.999)!.coverage).toBeCloseTo(40 / 101);
  });

  it('is null when too few answers could stand behind the promise', () => {
    expect(thresholdFor([answer(0.9, true), answer(0.8, true)], 0.98)).toBeNull();
  });
});
