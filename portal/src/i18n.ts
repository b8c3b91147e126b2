// Simplified Chinese, Traditional Chinese (Hong Kong / Macau) and English: one catalog per
// language and page (namespace), the choice remembered in localStorage.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

export const LANGUAGES = ['zh-Hans', 'zh-Hant', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const NAMESPACES = ['common', 'catalog', 'agreements', 'identifiers', 'indices', 'operator', 'policy'] as const;
const STORAGE_KEY = 'gridspace.language';

// Every catalog file, bundled (they are small); a missing key is a test failure, not a fallback.
const files = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*/*.json', { eager: true });
export const resources: Record<string, Record<string, Record<string, unknown>>> = {};
for (const [path, module] of Object.entries(files)) {
  const [, language, namespace] = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path)!;
  (resources[language!] ??= {})[namespace!] = module.default;
}

function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored && (LANGUAGES as readonly string[]).includes(stored)) return stored as Language;
  for (const tag of navigator.languages ?? []) {
    if (/^zh-(Hant|HK|MO|TW)/i.test(tag)) return 'zh-Hant';
    if (/^zh/i.test(tag)) return 'zh-Hans';
    if (/^en/i.test(tag)) return 'en';
  }
  return 'zh-Hans';
}

/** Keys the page asked for that the catalog of the current language lacks (the tests read it). */
export const missingKeys = new Set<string>();

export async function initI18n(): Promise<void> {
  await i18n.use(initReactI18next).init({
    resources,
    lng: initialLanguage(),
    fallbackLng: false,
    ns: [...NAMESPACES],
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
    saveMissing: true,
    saveMissingTo: 'current',
    missingKeyHandler: (languages, namespace, key) => {
      for (const language of languages) missingKeys.add(`${language}:${namespace}:${key}`);
    },
  });
  (window as unknown as { __gridspaceMissingKeys: Set<string> }).__gridspaceMissingKeys = missingKeys;
  document.documentElement.lang = i18n.language;
  i18n.on('languageChanged', (language) => {
    localStorage.setItem(STORAGE_KEY, language);
    document.documentElement.lang = language;
  });
}

/** Number and date formatting per the selected language. */
export const localeOf = (language: string) => (language === 'zh-Hant' ? 'zh-Hant-HK' : language === 'zh-Hans' ? 'zh-Hans-CN' : 'en-GB');

export function formatDateTime(value: string | null | undefined, language: string): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : new Intl.DateTimeFormat(localeOf(language), { dateStyle: 'medium', timeStyle: 'medium' }).format(date);
}

export function formatNumber(value: number | null | undefined, language: string, digits = 0): string {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(localeOf(language), { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}

export default i18n;
