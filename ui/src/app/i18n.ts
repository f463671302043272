/**
 * react-i18next with one resource file per area and language (`locales/<lang>/<area>.json`, the
 * area is the namespace): a new area is a new pair of files, picked up without an edit.
 * Each language is one chunk (`locales/<lang>.ts`) that loads only when it is shown, so a page carries
 * one language's words, not both (i18next-resources-to-backend). `i18nReady` settles once the first
 * language is in; main.tsx renders after it, so every `t()` finds its words.
 * The browser's language picks at first; the switch overrides and is kept in localStorage.
 */
import i18n from 'i18next';
import resourcesToBackend from 'i18next-resources-to-backend';
import { initReactI18next } from 'react-i18next';
import { areaOf } from '../locales/by-area';

export type Lang = 'zh' | 'en';
export const LANGS: Lang[] = ['zh', 'en'];

const bundles: Record<Lang, () => Promise<{ default: Record<string, Record<string, unknown>> }>> = {
  zh: () => import('../locales/zh'),
  en: () => import('../locales/en'),
};
/** Every area's namespace: the file names of one language (both have the same: tests/unit/ui/locales.test.ts). */
const AREAS = Object.keys(import.meta.glob('../locales/zh/*.json')).map((path) => areaOf(path)!);

export function initialLang(): Lang {
  const saved = localStorage.getItem('lang');
  if (saved === 'zh' || saved === 'en') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export const i18nReady = i18n
  .use(resourcesToBackend((lang: string, area: string) => bundles[lang === 'en' ? 'en' : 'zh']().then((m) => m.default[area] ?? {})))
  .use(initReactI18next)
  .init({
    lng: initialLang(),
    // Both languages carry every key, so neither falls back to the other (nor loads it).
    fallbackLng: false,
    supportedLngs: LANGS,
    ns: AREAS,
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
  });

export function setLang(lang: Lang) {
  localStorage.setItem('lang', lang);
  void i18n.changeLanguage(lang);
}

export function currentLang(): Lang {
  return i18n.language?.startsWith('en') ? 'en' : 'zh';
}

export default i18n;
