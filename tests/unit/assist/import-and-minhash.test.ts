import { describe, expect, it } from 'vitest';
import { parseCsv, parseJsonl } from '../../../assist/history-file';
import { minhash, similarity } from '../../../assist/minhash';
import { tokens } from '../../../assist/tokenize';

describe('import files', () => {
  it('reads CSV with quoted fields and a missing title', async () => {
    const parsed = await parseCsv('title,text,department\n"路灯,不亮","晚上""很黑""",城管局\n,只有正文,环保局\n');
    expect(parsed).toEqual({
      ok: true,
      rows: [
        { title: '路灯,不亮', text: '晚上"很黑"', department: '城管局' },
        { title: null, text: '只有正文', department: '环保局' },
      ],
    });
  });

  it('names the row and field of the first bad record', async () => {
    expect(await parseCsv('title,text,department\na,b,c\nx,y\n')).toMatchObject({ ok: false, error: { row: 2, field: 'columns' } });
    expect(await parseCsv('title,text,department\na,,c\n')).toMatchObject({ ok: false, error: { row: 1, field: 'text' } });
    expect(parseJsonl('{"text":"a","department":"b"}\n\n{"text":"a"}\n')).toMatchObject({ ok: false, error: { row: 3, field: 'department' } });
    expect(parseJsonl('{"text":"a","label":"b"}\nnot json\n')).toMatchObject({ ok: false, error: { row: 2, field: 'line' } });
    expect(parseJsonl('{"text":"a","label":"b","title":3}')).toMatchObject({ ok: false, error: { row: 1, field: 'title' } });
  });
});

describe('MinHash', () => {
  it('finds a repost similar and a different complaint not', () => {
    const original = minhash(tokens('小区门口道路积水严重，下雨天居民无法出行，请尽快修缮排水管道'))!;
    const repost = minhash(tokens('小区门口道路积水严重，下雨天居民无法出行，请有关部门尽快修缮排水管道'))!;
    const other = minhash(tokens('学校附近网吧接纳未成年人上网，家长十分担心'))!;
    expect(similarity(original, repost)).toBeGreaterThan(0.7);
    expect(similarity(original, other)).toBeLessThan(0.2);
    expect(similarity(original, original)).toBe(1);
    expect(minhash([])).toBeNull();
  });
});
