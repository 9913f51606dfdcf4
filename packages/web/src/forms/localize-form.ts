import type { LocalizedText } from '../api/types';
import type { Locale } from '../i18n/messages';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The text of a localized title in `locale`, falling back to the other language, then to `fallback`. */
export function pickText(
  text: LocalizedText | string | null | undefined,
  locale: Locale,
  fallback = '',
): string {
  if (typeof text === 'string') return text;
  if (!text) return fallback;
  return text[locale] ?? text.en ?? text['zh-CN'] ?? Object.values(text).find(Boolean) ?? fallback;
}

/**
 * Definitions carry labels in both languages under `x-i18n` on each field
 * (`{ "title": "Debtor", "x-i18n": { "zh-CN": { "title": "债务人", "enumNames": [...] } } }`), with
 * plain `title`/`description`/`enumNames` holding the English fallback. rjsf renders `title` and
 * `description` from the schema and option labels from `ui:enumNames` in the uiSchema, so this
 * writes the chosen language into those places: the same rule as the collection package's
 * localizeSchema, plus the move of enumNames into the uiSchema that rjsf 6 expects.
 */
export function localizeForm(schema: Json, uiSchema: Json, locale: Locale): { schema: Json; uiSchema: Json } {
  const ui = structuredClone(uiSchema);
  const out = localizeNode(schema, locale, ui) as Json;
  return { schema: out, uiSchema: ui };
}

function localizeNode(node: unknown, locale: Locale, ui: Json | undefined): unknown {
  if (Array.isArray(node)) return node.map((item) => localizeNode(item, locale, undefined));
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'x-i18n' || key === 'enumNames') continue;
    if (key === 'properties' && isObject(value)) {
      const props: Json = {};
      for (const [name, child] of Object.entries(value)) {
        const childUi = ui ? uiChild(ui, name) : undefined;
        props[name] = localizeNode(child, locale, childUi);
      }
      out[key] = props;
    } else if (key === 'items' && isObject(value)) {
      out[key] = localizeNode(value, locale, ui ? uiChild(ui, 'items') : undefined);
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      // Branches describe the same fields as the parent: their labels land on the parent's uiSchema.
      out[key] = Array.isArray(value) ? value.map((b) => localizeNode(b, locale, ui)) : value;
    } else if (key === 'if' || key === 'then' || key === 'else' || key === 'not') {
      out[key] = localizeNode(value, locale, ui);
    } else if (key === '$defs' || key === 'definitions') {
      out[key] = isObject(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, localizeNode(v, locale, undefined)]))
        : value;
    } else {
      out[key] = value;
    }
  }
  const i18n = isObject(node['x-i18n']) ? node['x-i18n'] : undefined;
  const texts = i18n && isObject(i18n[locale]) ? (i18n[locale] as Json) : undefined;
  if (texts) {
    if (typeof texts.title === 'string') out.title = texts.title;
    if (typeof texts.description === 'string') out.description = texts.description;
    // The designer's custom message for the field's own rules (pattern, lengths, limits).
    if (typeof texts.errorMessage === 'string') out['x-errorMessage'] = texts.errorMessage;
  }
  const names = Array.isArray(texts?.enumNames) ? texts.enumNames : node.enumNames;
  if (ui && Array.isArray(names)) {
    if (Array.isArray(node.enum)) ui['ui:enumNames'] = names;
    else if (isObject(node.items) && Array.isArray(node.items.enum)) {
      uiChild(ui, 'items')['ui:enumNames'] = names;
    }
  }
  return out;
}

function uiChild(ui: Json, name: string): Json {
  const existing = ui[name];
  if (isObject(existing)) return existing;
  const created: Json = {};
  ui[name] = created;
  return created;
}

/** Titles of the top-level fields (and nested ones, dotted) in the chosen language: table headers, detail labels. */
export function fieldTitles(schema: Json, locale: Locale): Map<string, string> {
  const titles = new Map<string, string>();
  const walk = (node: unknown, prefix: string) => {
    if (!isObject(node) || !isObject(node.properties)) return;
    for (const [name, child] of Object.entries(node.properties)) {
      if (!isObject(child)) continue;
      const pointer = `${prefix}/${name}`;
      const i18n = isObject(child['x-i18n']) ? (child['x-i18n'][locale] as Json | undefined) : undefined;
      const title = (i18n && typeof i18n.title === 'string' ? i18n.title : child.title) as string | undefined;
      titles.set(pointer, title ?? name);
      walk(child, pointer);
    }
  };
  walk(schema, '');
  return titles;
}

/** Option labels of an enum field in the chosen language, by value. */
export function enumLabels(fieldSchema: unknown, locale: Locale): Map<unknown, string> | undefined {
  if (!isObject(fieldSchema) || !Array.isArray(fieldSchema.enum)) return undefined;
  const i18n = isObject(fieldSchema['x-i18n'])
    ? (fieldSchema['x-i18n'][locale] as Json | undefined)
    : undefined;
  const names = (Array.isArray(i18n?.enumNames) ? i18n.enumNames : fieldSchema.enumNames) as
    | unknown[]
    | undefined;
  if (!Array.isArray(names)) return undefined;
  return new Map(fieldSchema.enum.map((value, i) => [value, String(names[i] ?? value)]));
}
