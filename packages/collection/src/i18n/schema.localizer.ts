import type { Locale } from './localized-text.utils.js';

/**
 * The pack's forms carry labels in both languages under `x-i18n` on each field:
 *
 *   { "title": "Debtor", "x-i18n": { "zh-CN": { "title": "债务人", "enumNames": [...] }, "en": {...} } }
 *
 * Plain `title`, `description` and `enumNames` hold the English fallback for tools that know no
 * x-i18n. This returns a copy of the schema with the chosen language written into those keywords,
 * which is what @rjsf renders.
 */
export function localizeSchema<T>(schema: T, locale: Locale): T {
  if (Array.isArray(schema)) return schema.map((item) => localizeSchema(item, locale)) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    out[key] = key === 'x-i18n' ? value : localizeSchema(value, locale);
  }
  const texts = (out['x-i18n'] as Record<string, Record<string, unknown>> | undefined)?.[locale];
  if (texts) {
    for (const keyword of ['title', 'description'] as const) {
      if (typeof texts[keyword] === 'string') out[keyword] = texts[keyword];
    }
    if (Array.isArray(texts.enumNames)) {
      if (Array.isArray(out.enum)) out.enumNames = texts.enumNames;
      else if (out.items && typeof out.items === 'object')
        out.items = { ...(out.items as object), enumNames: texts.enumNames };
    }
  }
  return out as T;
}
