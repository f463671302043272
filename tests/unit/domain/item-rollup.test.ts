import { describe, expect, it } from 'vitest';
import { rollUpItem } from '../../../domain/item-rollup';
import type { Light, TaskStatus } from '../../../domain/types';

const t = (status: TaskStatus, light: Light = 'green') => ({ status, light });

describe('item light: worst among open tasks', () => {
  it.each([
    [[t('assigned'), t('in_progress', 'yellow')], 'yellow'],
    [[t('in_progress', 'yellow'), t('submitted', 'red'), t('signed')], 'red'],
    [[t('accepted', 'red'), t('in_progress', 'yellow')], 'yellow'], // a closed red task drops out
    [[t('transferred', 'yellow'), t('assigned')], 'green'],
    [[t('accepted', 'red'), t('cancelled', 'yellow')], 'green'], // none open
    [[], 'green'],
  ] as const)('%j → %s', (tasks, light) => {
    expect(rollUpItem(tasks).light).toBe(light);
  });
});

describe('item status', () => {
  it('is launched until some task is signed', () => {
    expect(rollUpItem([t('assigned'), t('assigned')]).status).toBe('launched');
    expect(rollUpItem([t('assigned'), t('signed')]).status).toBe('in_progress');
    expect(rollUpItem([t('submitted'), t('assigned')]).status).toBe('in_progress');
  });

  it('completes when every task that still counts is accepted', () => {
    expect(rollUpItem([t('accepted'), t('accepted')]).status).toBe('completed');
    expect(rollUpItem([t('accepted'), t('submitted')]).status).toBe('in_progress');
    expect(rollUpItem([t('accepted'), t('transferred'), t('cancelled')]).status).toBe('completed');
  });

  it('does not complete on a transfer alone: the replacement task must be accepted too', () => {
    expect(rollUpItem([t('accepted'), t('transferred'), t('assigned')]).status).toBe('in_progress');
  });

  it('is cancelled when every task is cancelled, and stays cancelled or archived', () => {
    expect(rollUpItem([t('cancelled'), t('cancelled')]).status).toBe('cancelled');
    expect(rollUpItem([t('in_progress')], 'cancelled').status).toBe('cancelled');
    expect(rollUpItem([t('accepted')], 'archived').status).toBe('archived');
  });

  it('never goes back from in progress to launched (e.g. a signed task transferred)', () => {
    expect(rollUpItem([t('transferred'), t('assigned')]).status).toBe('launched');
    expect(rollUpItem([t('transferred'), t('assigned')], 'in_progress').status).toBe('in_progress');
  });
});
