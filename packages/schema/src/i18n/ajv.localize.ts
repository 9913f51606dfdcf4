import type { ErrorObject } from 'ajv';
import localizeZhModule from 'ajv-i18n/localize/zh/index.js';
import type { Locale } from '../definition/form-definition.types.js';

type Localize = (errors?: ErrorObject[] | null) => void;

// The CommonJS module exports the function itself, while its typings declare a default export;
// accept either so Node and bundlers (Vite) agree. Only zh is imported: en is ajv's own language.
const localizeZh: Localize =
  typeof localizeZhModule === 'function'
    ? (localizeZhModule as Localize)
    : (localizeZhModule as unknown as { default: Localize }).default;

/** Rewrites ajv's messages in place into the caller's language. */
export function localizeAjvErrors(errors: ErrorObject[], locale: Locale): void {
  if (locale === 'zh-CN') localizeZh(errors);
}
