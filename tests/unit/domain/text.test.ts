import { describe, expect, it } from 'vitest';
import { findUnholdableText, unholdableTextViolation } from '../../../domain/text';

describe('the one rule for text a client sends', () => {
  it('finds NUL, other controls, DEL, C1 controls, non-characters and lone surrogates, naming where', () => {
    expect(findUnholdableText('a\u0000b', 'body.text')).toEqual({ field: 'body.text', codePoint: 'U+0000' });
    expect(findUnholdableText({ a: [{ b: 'x\u001by' }] }, 'body')).toEqual({ field: 'body.a.0.b', codePoint: 'U+001B' });
    expect(findUnholdableText({ note: 'del\u007f' }, '')?.field).toBe('note');
    expect(findUnholdableText('c1\u0085', 'q')?.codePoint).toBe('U+0085');
    expect(findUnholdableText('\uffff', 'q')?.codePoint).toBe('U+FFFF');
    expect(findUnholdableText('high \ud800 alone', 'q')?.codePoint).toBe('U+D800');
    expect(findUnholdableText('low \udc00 alone', 'q')?.codePoint).toBe('U+DC00');
    expect(findUnholdableText({ 'key\u0000': 'v' }, 'body.fields')?.field).toBe('body.fields');
  });

  it('lets through tabs, line breaks, Chinese, emoji (a whole surrogate pair) and non-strings', () => {
    expect(findUnholdableText({ text: '第一段\n\t第二段\r\n 👍 ok', n: 3, b: true, nil: null }, 'body')).toBeNull();
  });

  it('words the refusal in both languages with code invalid_input (HTTP 400)', () => {
    expect(unholdableTextViolation({ actor: { name: 'x' }, text: 'a\u0000' })).toEqual({
      code: 'invalid_input',
      field: 'text',
      message: 'text contains the character U+0000, which text may not hold',
      messageZh: 'text含有不允许的字符（U+0000）',
    });
    expect(unholdableTextViolation({ text: 'fine' })).toBeNull();
  });
});
