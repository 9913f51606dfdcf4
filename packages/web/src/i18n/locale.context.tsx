import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { setRequestLocale } from '../api/client';
import {
  format,
  type Locale,
  loadedMessages,
  loadMessages,
  type MessageKey,
  type Messages,
} from './messages';

interface LocaleContextValue {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  /** Whether a key built at run time (an event name, a kind) has a string. */
  has(key: string): key is MessageKey;
  /** Dates and times in the user's zone and language. */
  formatDateTime(value: string | Date | null | undefined): string;
  formatDate(value: string | null | undefined): string;
  formatMoney(value: unknown, currency?: string): string;
}

const LocaleContext = createContext<LocaleContextValue | null>(null);
const STORAGE_KEY = 'collectflow.locale';

function initialLocale(): Locale {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return globalThis.navigator?.language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

function applyLocale(locale: Locale) {
  document.documentElement.lang = locale;
  setRequestLocale(locale);
}

// Asked for as soon as the app's code runs, in parallel with the first render.
const firstLocale = initialLocale();
const firstMessages = loadMessages(firstLocale);

export function LocaleProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<{ locale: Locale; dict: Messages } | null>(() => {
    applyLocale(firstLocale);
    const dict = loadedMessages(firstLocale);
    return dict ? { locale: firstLocale, dict } : null;
  });
  useEffect(() => {
    let live = true;
    firstMessages.then((dict) => {
      if (live) setState((s) => s ?? { locale: firstLocale, dict });
    });
    return () => {
      live = false;
    };
  }, []);
  const setLocale = useCallback((next: Locale) => {
    void loadMessages(next).then((dict) => {
      applyLocale(next);
      setState({ locale: next, dict });
      globalThis.localStorage?.setItem(STORAGE_KEY, next);
    });
  }, []);
  const locale = state?.locale ?? firstLocale;
  const dict = state?.dict;
  useEffect(() => applyLocale(locale), [locale]);
  const value = useMemo<LocaleContextValue | null>(() => {
    if (!dict) return null;
    const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
    return {
      locale,
      setLocale,
      t: (key, params) => format(dict[key], params),
      has: (key): key is MessageKey => Object.hasOwn(dict, key),
      formatDateTime: (v) => {
        if (!v) return '';
        const d = v instanceof Date ? v : new Date(v);
        return Number.isNaN(d.getTime()) ? String(v) : dateTime.format(d);
      },
      formatDate: (v) => {
        if (!v) return '';
        const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
        return Number.isNaN(d.getTime()) ? v : date.format(d);
      },
      formatMoney: (v, currency) => {
        if (v === undefined || v === null || v === '') return '';
        const text = String(v);
        // Decimal strings are shown as they are (no float rounding), with grouping added.
        const match = /^(-?)(\d+)(\.\d+)?$/.exec(text);
        if (!match) return text;
        const grouped = (match[2] ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
        return `${currency ? `${currency} ` : ''}${match[1]}${grouped}${match[3] ?? ''}`;
      },
    };
  }, [locale, dict, setLocale]);
  // Nothing to show before the language's strings are here (one small request).
  if (!value) return null;
  return <LocaleContext.Provider value={value}>{children}</LocaleContext.Provider>;
}

export function useLocale(): LocaleContextValue {
  const value = useContext(LocaleContext);
  if (!value) throw new Error('useLocale outside LocaleProvider');
  return value;
}
