import { describe, expect, it } from 'vitest';
import { outcomeOnAccept } from '../../../domain/outcome';

const original = 1_000_000;

describe('outcomeOnAccept — two clocks', () => {
  it.each([
    ['before the original due date', { dueAt: original, postponed: false }, original - 1, 'on_time'],
    ['at the original due instant', { dueAt: original, postponed: false }, original, 'overdue'],
    ['after it, never extended', { dueAt: original, postponed: false }, original + 1, 'overdue'],
    ['extended, accepted before the original date', { dueAt: original + 500, postponed: true }, original - 1, 'on_time'],
    ['extended, accepted within the extension', { dueAt: original + 500, postponed: true }, original + 499, 'postponed'],
    ['extended, accepted at the new due instant', { dueAt: original + 500, postponed: true }, original + 500, 'overdue'],
    ['extended, accepted after the extension', { dueAt: original + 500, postponed: true }, original + 600, 'overdue'],
  ] as const)('%s → %s', (_, s, acceptedAt, outcome) => {
    expect(outcomeOnAccept({ originalDueAt: original, ...s }, acceptedAt)).toBe(outcome);
  });
});
