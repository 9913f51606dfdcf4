import type { WidgetProps } from '@rjsf/utils';
import { type ComponentType, useEffect, useState } from 'react';

type Widget = ComponentType<WidgetProps>;
type Json = Record<string, unknown>;

/**
 * Widgets whose code loads when a form needs them. antd's Select (with its virtual list) and
 * Checkbox are a quarter of the renderer's weight, and many task forms have neither: those forms no
 * longer download them. FormRenderer preloads what a form's schema asks for before its first render
 * (widgetsNeededBy, preloadWidgets), so a form shows its real widgets at once; a widget it did not
 * foresee shows a placeholder of the field's height until its code arrives.
 */
const LOADERS = {
  select: () => import('@rjsf/antd/lib/widgets/SelectWidget/index.js'),
  checkbox: () => import('@rjsf/antd/lib/widgets/CheckboxWidget/index.js'),
  checkboxes: () => import('@rjsf/antd/lib/widgets/CheckboxesWidget/index.js'),
} as const;

export type LazyWidgetName = keyof typeof LOADERS;

const loaded: Partial<Record<LazyWidgetName, Widget>> = {};
const loading: Partial<Record<LazyWidgetName, Promise<Widget>>> = {};

function load(name: LazyWidgetName): Promise<Widget> {
  loading[name] ??= LOADERS[name]().then(
    (m) => {
      loaded[name] = m.default as Widget;
      return loaded[name];
    },
    (error: unknown) => {
      // A failed download (a flaky network) is tried again by the next form that needs it.
      delete loading[name];
      throw error;
    },
  );
  return loading[name];
}

export const widgetsLoaded = (names: readonly LazyWidgetName[]) => names.every((n) => loaded[n]);

export const preloadWidgets = (names: readonly LazyWidgetName[]) => Promise.all(names.map(load));

function lazyWidget(name: LazyWidgetName): Widget {
  return function LazyWidget(props: WidgetProps) {
    const [Loaded, setLoaded] = useState<Widget | undefined>(() => loaded[name]);
    useEffect(() => {
      if (Loaded) return;
      let live = true;
      void load(name).then((w) => live && setLoaded(() => w));
      return () => {
        live = false;
      };
    }, [Loaded]);
    return Loaded ? <Loaded {...props} /> : <div className="cf-widget-loading" aria-busy="true" />;
  };
}

export const SelectWidget = lazyWidget('select');
export const CheckboxWidget = lazyWidget('checkbox');
export const CheckboxesWidget = lazyWidget('checkboxes');

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const hasOptions = (s: Json) =>
  Array.isArray(s.enum) ||
  'const' in s ||
  (['oneOf', 'anyOf'] as const).some(
    (k) => Array.isArray(s[k]) && (s[k] as unknown[]).every((o) => isObject(o) && 'const' in o),
  );

/**
 * The lazy widgets rjsf will pick for a schema and its uiSchema (rjsf's defaults: options render
 * as a select, a boolean as a checkbox, an array of unique options as a select or, if the
 * uiSchema says so, checkboxes). It errs towards loading: a widget it names and the form does not
 * show costs bytes, one it misses costs a placeholder for a moment.
 */
export function widgetsNeededBy(schema: unknown, uiSchema: unknown): LazyWidgetName[] {
  const out = new Set<LazyWidgetName>();
  const visit = (node: unknown, ui: unknown) => {
    if (!isObject(node)) return;
    const u = isObject(ui) ? ui : {};
    const widget = typeof u['ui:widget'] === 'string' ? u['ui:widget'] : undefined;
    if (node.type === 'array' && isObject(node.items)) {
      if (node.uniqueItems && hasOptions(node.items))
        out.add(widget === 'checkboxes' ? 'checkboxes' : 'select');
      else visit(node.items, u.items);
    } else if (hasOptions(node)) {
      if (widget === undefined || widget === 'select') out.add('select');
    } else if (node.type === 'boolean') {
      if (widget === undefined || widget === 'checkbox') out.add('checkbox');
      if (widget === 'select') out.add('select');
    }
    if (isObject(node.properties))
      for (const [key, child] of Object.entries(node.properties)) visit(child, u[key]);
    // Branches (then/else, allOf, dependencies) add fields at the same level of the uiSchema; an
    // `if` is only a condition. Alternatives (oneOf/anyOf of schemas) are picked with a select.
    for (const key of ['then', 'else'] as const) visit(node[key], u);
    if (Array.isArray(node.allOf)) for (const branch of node.allOf) visit(branch, u);
    for (const key of ['anyOf', 'oneOf'] as const)
      if (Array.isArray(node[key]) && !hasOptions(node)) {
        out.add('select');
        for (const branch of node[key] as unknown[]) visit(branch, u);
      }
    if (isObject(node.dependencies))
      for (const dep of Object.values(node.dependencies)) {
        visit(dep, u);
        if (isObject(dep) && Array.isArray(dep.oneOf)) for (const branch of dep.oneOf) visit(branch, u);
      }
  };
  visit(schema, uiSchema);
  return [...out];
}
