/**
 * The UI loads one language's words at a time and never falls back to the other (ui/src/app/i18n.ts),
 * so a word missing in one language would show as its bare key. Every area file must exist in both
 * languages with the same keys, each a non-empty string. The one exception: `task.json`'s `rjsf.*`,
 * Chinese for the form library's own English words (English needs none).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const LOCALES = join(import.meta.dirname, '../../../ui/src/locales');
const areas = (lang: string) => readdirSync(join(LOCALES, lang)).filter((f) => f.endsWith('.json')).sort();

function flatten(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) for (const [key, leaf] of flatten(v, `${prefix}${k}.`)) out.set(key, leaf);
  } else out.set(prefix.slice(0, -1), value);
  return out;
}
const wordsOf = (lang: string, area: string) => flatten(JSON.parse(readFileSync(join(LOCALES, lang, area), 'utf8')));

describe('UI words in both languages', () => {
  it('has the same area files in Chinese and English', () => {
    expect(areas('zh').length).toBeGreaterThan(10);
    expect(areas('en')).toEqual(areas('zh'));
  });

  it.each(areas('zh'))('%s: every key in both, each a non-empty string', (area) => {
    const zh = wordsOf('zh', area);
    const en = wordsOf('en', area);
    const zhKeys = [...zh.keys()].filter((k) => !(area === 'task.json' && k.startsWith('rjsf.')));
    expect([...en.keys()].filter((k) => !zh.has(k)), 'in English only').toEqual([]);
    expect(zhKeys.filter((k) => !en.has(k)), 'in Chinese only').toEqual([]);
    for (const [lang, words] of [['zh', zh], ['en', en]] as const) {
      const bad = [...words].filter(([, w]) => typeof w !== 'string' || w.trim() === '').map(([k]) => k);
      expect(bad, `${lang}: empty or not text`).toEqual([]);
    }
  });
});
