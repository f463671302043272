import { describe, expect, it } from 'vitest';
import { outcomeOnAccept } from '../../../domain/outcome';

const original = 1_000_000;

describe('outcomeOnAccept — two clocks, judged on the completion report', () => {
  it.each([
    ['before the original due date', { dueAt: original, postponed: false }, original - 1, 'on_time'],
    ['at the original due instant', { dueAt: original, postponed: false }, original, 'overdue'],
    ['after it, never extended', { dueAt: original, postponed: false }, original + 1, 'overdue'],
    ['extended, accepted before the original date', { dueAt: original + 500, postponed: true }, original - 1, 'on_time'],
    ['extended, accepted within the extension', { dueAt: original + 500, postponed: true }, original + 499, 'postponed'],
    ['extended, accepted at the new due instant', { dueAt: original + 500, postponed: true }, original + 500, 'overdue'],
    ['extended, accepted after the extension', { dueAt: original + 500, postponed: true }, original + 600, 'overdue'],
  ] as const)('%s → %s', (_, s, completedAt, outcome) => {
    // Without a recorded submission, the acceptance time stands in for the completion time.
    expect(outcomeOnAccept({ originalDueAt: original, submittedAt: null, ...s }, completedAt)).toBe(outcome);
    // With one, the submission time decides, however late the review.
    expect(outcomeOnAccept({ originalDueAt: original, submittedAt: completedAt, ...s }, completedAt + 10_000)).toBe(outcome);
  });

  it('judges on the completion report, not on the review', () => {
    const late = original + 10_000;
    expect(outcomeOnAccept({ originalDueAt: original, dueAt: original, postponed: false, submittedAt: original - 1 }, late)).toBe('on_time');
    expect(outcomeOnAccept({ originalDueAt: original, dueAt: original + 500, postponed: true, submittedAt: original + 1 }, late)).toBe('postponed');
  });
});
