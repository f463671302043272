/**
 * react-i18next with one resource file per area and language (`locales/<lang>/<area>.json`, the
 * area is the namespace): a new area is a new pair of files, picked up here without an edit.
 * The browser's language picks at first; the switch overrides and is kept in localStorage.
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

export type Lang = 'zh' | 'en';
export const LANGS: Lang[] = ['zh', 'en'];

const files = import.meta.glob<{ default: Record<string, unknown> }>('../locales/*/*.json', { eager: true });
const resources: Record<string, Record<string, Record<string, unknown>>> = {};
for (const [path, module] of Object.entries(files)) {
  const match = /locales\/(\w+)\/([\w-]+)\.json$/.exec(path);
  if (!match) continue;
  const [, lang, ns] = match as unknown as [string, string, string];
  (resources[lang] ??= {})[ns] = module.default;
}

export function initialLang(): Lang {
  const saved = localStorage.getItem('lang');
  if (saved === 'zh' || saved === 'en') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

void i18n.use(initReactI18next).init({
  resources,
  lng: initialLang(),
  fallbackLng: 'zh',
  ns: Object.keys(resources.zh ?? {}),
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
