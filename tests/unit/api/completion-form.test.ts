import { describe, expect, it } from 'vitest';
import { completionSchemaProblem, validateCompletionFields } from '../../../api/services/tasks/completion-form';

const withPattern = (pattern: string) => ({ type: 'object', properties: { code: { type: 'string', pattern } } });

describe('completion-form patterns (ReDoS)', () => {
  it('runs a catastrophic pattern in linear time: 40 characters answer at once', () => {
    const started = performance.now();
    const problems = validateCompletionFields({ completionFields: withPattern('^(a+)+$') }, { code: `${'a'.repeat(40)}!` });
    expect(performance.now() - started).toBeLessThan(500);
    expect(problems).toEqual([{ field: 'body.fields.code', message: expect.stringContaining('pattern'), messageZh: expect.stringContaining('^(a+)+$') }]);
    expect(validateCompletionFields({ completionFields: withPattern('^(a+)+$') }, { code: 'aaa' })).toEqual([]);
  });

  it('keeps ECMAScript pattern syntax: \\d, \\u escapes, classes', () => {
    const form = { completionFields: withPattern('^[\\u4e00-\\u9fa5]{2,}-\\d{3}$') };
    expect(validateCompletionFields(form, { code: '文号-123' })).toEqual([]);
    expect(validateCompletionFields(form, { code: 'ab-123' })).toHaveLength(1);
  });

  it('refuses, when saved, patterns that backtrack or that re2 cannot run, in both languages', () => {
    for (const pattern of ['^(a+)+$', '(x+x+)+y', '^(?=a)a', '(a)\\1']) {
      const problem = completionSchemaProblem(withPattern(pattern));
      expect(problem, pattern).toMatchObject({ en: expect.stringContaining('pattern'), zh: expect.stringContaining('正则') });
    }
    expect(completionSchemaProblem(withPattern('^[A-Z]{2}-\\d{4}$'))).toBeNull();
  });

  it('refuses a 750 KB form by its size before compiling it', () => {
    const properties = Object.fromEntries(Array.from({ length: 11_500 }, (_, i) => [`field${i}`, { type: 'string', title: `字段${i}`, maxLength: 100 }]));
    const started = performance.now();
    expect(completionSchemaProblem({ type: 'object', properties })).toMatchObject({ en: expect.stringContaining('too large') });
    expect(performance.now() - started).toBeLessThan(300);
  });

  it('refuses a form nested deeper than 32 levels', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 40; i++) schema = { type: 'object', properties: { next: schema } };
    expect(completionSchemaProblem(schema)).toMatchObject({ en: expect.stringContaining('nested too deeply') });
  });
});
