import { describe, expect, it } from 'vitest';
import { accountabilityRefusal, accountabilityWords, type AccountableTaskFacts } from '../../../domain/accountability';

const task = (over: Partial<AccountableTaskFacts>): AccountableTaskFacts => ({ status: 'in_progress', light: 'green', redEver: false, outcome: null, ...over });

describe('accountabilityRefusal', () => {
  it('refuses a green or yellow task that was never red, with words in both languages', () => {
    for (const light of ['green', 'yellow'] as const) {
      const refusal = accountabilityRefusal(task({ light }));
      expect(refusal?.zh).toContain('红灯');
      expect(refusal?.en).toContain('red');
    }
  });

  it('allows a red task, one that was red (the red is on record for good), and one accepted overdue', () => {
    expect(accountabilityRefusal(task({ light: 'red', redEver: true }))).toBeNull();
    expect(accountabilityRefusal(task({ light: 'green', redEver: true }))).toBeNull();
    expect(accountabilityRefusal(task({ status: 'accepted', outcome: 'overdue' }))).toBeNull();
  });

  it('refuses an accepted task completed on time, and a transferred or cancelled one even if red', () => {
    expect(accountabilityRefusal(task({ status: 'accepted', outcome: 'on_time' }))).not.toBeNull();
    expect(accountabilityRefusal(task({ status: 'transferred', light: 'red', redEver: true }))).not.toBeNull();
    expect(accountabilityRefusal(task({ status: 'cancelled', light: 'red', redEver: true }))).not.toBeNull();
  });
});

describe('accountabilityWords', () => {
  const action = { kind: 'circulated_criticism' as const, personName: '张三', departmentName: '住建局' };
  it('words each trail entry in plain Chinese and English, with its note', () => {
    expect(accountabilityWords('recorded', action)).toEqual({ zh: '对住建局（张三）问责：通报批评', en: 'Held 住建局 (张三) to account: circulated criticism' });
    expect(accountabilityWords('withdrawn', action, '复核撤销').zh).toBe('撤销对住建局（张三）的问责（通报批评）：复核撤销');
    expect(accountabilityWords('revised', action, 'kind').en).toBe('Revised the circulated criticism of 住建局 (张三): kind');
  });
});
