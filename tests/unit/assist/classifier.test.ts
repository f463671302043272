import { describe, expect, it } from 'vitest';
import { LinearModel } from '../../../assist/classifier';
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

describe('department suggestion', () => {
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

  it('a text with no known word gets no suggestion, not an error', () => {
    const outcome = trainModel(examples);
    if (!outcome.ok) throw new Error('trained');
    expect(LinearModel.load(outcome.model)!.suggest(tokens('完全陌生的词汇组合'))).toEqual([]);
  });

  it('an empty or tiny history trains no model and says why', () => {
    expect(trainModel([])).toEqual({ ok: false, reason: 'too_little_history', examples: 0, labels: 0 });
    const oneDepartment = examples.filter((e) => e.label === 'traffic');
    expect(trainModel(oneDepartment)).toMatchObject({ ok: false, labels: 1 });
    expect(trainModel(examples.slice(0, MIN_EXAMPLES - 1))).toMatchObject({ ok: false, reason: 'too_little_history' });
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
