import { describe, expect, it } from 'vitest';
import { parseCsv, parseJsonl } from '../../../assist/history-file';
import { minhash, similarity } from '../../../assist/minhash';
import { tokens } from '../../../assist/tokenize';
import { hotspots } from '../../../assist/hotspots';

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

describe('hotspots', () => {
  const day = (d: number) => new Date(Date.UTC(2026, 10, d));
  const docs = [
    ...[1, 2, 8, 9, 10].map((d, i) => ({ id: `noise-${i}`, tokens: ['工地', '噪音', '夜间', `其他${i}`], at: day(d), departmentIds: ['env'], endorsements: 2 })),
    ...[3, 4, 5].map((d, i) => ({ id: `bus-${i}`, tokens: ['公交', '线路', '停运', `别的${i}`], at: day(d), departmentIds: ['traffic'] })),
    { id: 'alone', tokens: ['路灯'], at: day(6) },
    { id: 'outside', tokens: ['工地', '噪音'], at: day(20) },
  ];

  it('gathers texts by their shared words, names each topic by its top words, with count, trend, endorsements and departments', () => {
    const topics = hotspots(docs, { from: day(1), to: day(10), maxShare: 0.6 });
    expect(topics).toHaveLength(2);
    expect(topics[0]).toMatchObject({ count: 5, trend: 1, endorsements: 10, departmentIds: ['env'] });
    expect(topics[0]!.words).toEqual(expect.arrayContaining(['工地', '噪音', '夜间']));
    expect(topics[0]!.ids).not.toContain('outside');
    expect(topics[1]).toMatchObject({ count: 3, trend: -3, departmentIds: ['traffic'] });
    expect(topics.flatMap((t) => t.ids)).not.toContain('alone');
  });

  it('finds no topic in too few texts', () => {
    expect(hotspots(docs.slice(5, 7), { from: day(1), to: day(10) })).toEqual([]);
  });
});
