import type { LocalizedText } from '@collectflow/schema';

export type { Locale, LocalizedText } from '@collectflow/schema';

/** Fills `{name}` placeholders in both languages at once. */
export function localize(
  text: LocalizedText,
  params: Readonly<Record<string, string | number>> = {},
): LocalizedText {
  const fill = (template: string) =>
    template.replace(/\{(\w+)\}/g, (whole, name: string) =>
      Object.hasOwn(params, name) ? String(params[name]) : whole,
    );
  return { 'zh-CN': fill(text['zh-CN']), en: fill(text.en) };
}
