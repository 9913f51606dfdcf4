import type { Locale } from '@collectflow/schema';

/**
 * A problem message in the caller's language (Accept-Language): the dashboards' query and
 * definition problems are written in both, next to each other, where they are found.
 */
export type Say = (en: string, zh: string) => string;

export const sayIn =
  (locale: Locale): Say =>
  (en, zh) =>
    locale === 'zh-CN' ? zh : en;
