import type { zhCN } from './messages.zh-CN';

/**
 * The UI strings. Each language is its own chunk (messages.zh-CN.ts, messages.en.ts) and only the
 * language in use is downloaded: the two together were a tenth of every route's JavaScript.
 */
export type MessageKey = keyof typeof zhCN;
export type Messages = Record<MessageKey, string>;
export type Locale = 'zh-CN' | 'en';

const loaded: Partial<Record<Locale, Messages>> = {};

/** The strings of a language, once loaded. */
export function loadedMessages(locale: Locale): Messages | undefined {
  return loaded[locale];
}

export async function loadMessages(locale: Locale): Promise<Messages> {
  const known = loaded[locale];
  if (known) return known;
  const strings =
    locale === 'en' ? (await import('./messages.en')).en : (await import('./messages.zh-CN')).zhCN;
  loaded[locale] = strings;
  return strings;
}

export const LOCALES: Locale[] = ['zh-CN', 'en'];

export function format(text: string, params?: Record<string, string | number>): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}
