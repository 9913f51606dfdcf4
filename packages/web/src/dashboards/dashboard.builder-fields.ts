import { useEffect, useMemo, useState } from 'react';
import { loadFormVersion } from '../api/forms.api';
import type { FormSummary, FormVersion } from '../api/types';
import { useSession } from '../auth/session.context';
import { type FieldInfo, formFields } from '../forms/field-display';
import { enumLabels, pickText } from '../forms/localize-form';
import type { BuilderLookup, FieldChoice, FieldKind } from './dashboard.builder-model';
import { lookupChoices } from './dashboard.builder-model';
import type { Localized, ProcessDataset } from './dashboard.types';

// The process datasets' columns a widget can use (the store's DATASET_COLUMNS, by kind).
const PROCESS_COLUMNS: Record<ProcessDataset, [string, FieldKind][]> = {
  tasks: [
    ['processKey', 'string'],
    ['name', 'string'],
    ['status', 'string'],
    ['elementId', 'string'],
    ['assignee', 'string'],
    ['formKey', 'string'],
    ['businessKey', 'string'],
    ['priority', 'number'],
    ['createdAt', 'date-time'],
    ['dueAt', 'date-time'],
    ['completedAt', 'date-time'],
  ],
  instances: [
    ['processKey', 'string'],
    ['status', 'string'],
    ['startedBy', 'string'],
    ['businessKey', 'string'],
    ['createdAt', 'date-time'],
    ['endedAt', 'date-time'],
  ],
  history: [
    ['processKey', 'string'],
    ['event', 'string'],
    ['elementType', 'string'],
    ['name', 'string'],
    ['actor', 'string'],
    ['at', 'date-time'],
  ],
};

function kindOf(field: FieldInfo): FieldKind | null {
  switch (field.kind) {
    case 'number':
    case 'decimal':
    case 'date':
    case 'date-time':
    case 'boolean':
      return field.kind;
    case 'string':
    case 'enum':
      return 'string';
    default:
      return null; // lists and groups of fields are no values to count or group by
  }
}

/** A form version's value fields with labels in both languages; sensitive ones only for who may see them. */
export function formChoices(version: FormVersion, seeSensitive: boolean): FieldChoice[] {
  const en = new Map(formFields(version, 'en').map((f) => [f.pointer, f]));
  return formFields(version, 'zh-CN').flatMap((zh) => {
    const kind = kindOf(zh);
    if (!kind || (zh.sensitive && !seeSensitive)) return [];
    const label: Localized = { 'zh-CN': zh.title, en: en.get(zh.pointer)?.title ?? zh.title };
    const zhNames = enumLabels(zh.schema, 'zh-CN');
    const enNames = enumLabels(zh.schema, 'en');
    const options = Array.isArray(zh.schema.enum)
      ? zh.schema.enum.map((value) => ({
          value: String(value),
          label: { 'zh-CN': zhNames?.get(value) ?? String(value), en: enNames?.get(value) ?? String(value) },
        }))
      : undefined;
    return [{ field: zh.pointer, label, kind, ...(options ? { options } : {}) }];
  });
}

export function processChoices(dataset: ProcessDataset): FieldChoice[] {
  return PROCESS_COLUMNS[dataset].map(([name, kind]) => ({
    field: `@${name}`,
    label: { 'zh-CN': name, en: name },
    kind,
  }));
}

const titleOf = (forms: FormSummary[], key: string): Localized => {
  const title = forms.find((f) => f.key === key)?.title;
  return { 'zh-CN': pickText(title, 'zh-CN', key), en: pickText(title, 'en', key) };
};

/**
 * The fields the builder offers: the dataset's own (`base`), each looked-up form's (`byForm`, for
 * picking a lookup's matching field), and all of them, looked-up ones labelled "Debt case › Team".
 */
export function useFieldChoices(
  dataset: string | undefined,
  lookups: readonly BuilderLookup[],
  forms: FormSummary[],
): {
  base: FieldChoice[];
  byForm: ReadonlyMap<string, FieldChoice[]>;
  all: FieldChoice[];
  /** Every form the dataset and the lookups name is loaded: picks missing from `all` are gone. */
  ready: boolean;
} {
  const { can } = useSession();
  const seeSensitive = can('sensitive.view');
  const [versions, setVersions] = useState<ReadonlyMap<string, FormVersion>>(new Map());
  const baseForm = dataset?.startsWith('form:') ? dataset.slice(5) : undefined;
  const processSet = dataset?.startsWith('process:') ? (dataset.slice(8) as ProcessDataset) : undefined;
  // A string, so that a new lookups array naming the same forms does not load them again.
  const wanted = [...new Set([baseForm, ...lookups.map((l) => l.form)].filter((f) => f !== undefined))]
    .sort()
    .join('|');

  useEffect(() => {
    let live = true;
    for (const key of wanted ? wanted.split('|') : [])
      loadFormVersion(key, null).then(
        (v) => live && setVersions((all) => (all.has(key) ? all : new Map(all).set(key, v))),
        () => {},
      );
    return () => {
      live = false;
    };
  }, [wanted]);

  return useMemo(() => {
    const byForm = new Map<string, FieldChoice[]>();
    for (const [key, version] of versions) byForm.set(key, formChoices(version, seeSensitive));
    const base = processSet ? processChoices(processSet) : baseForm ? (byForm.get(baseForm) ?? []) : [];
    const looked = lookups.flatMap((l) =>
      l.form && l.from && l.to ? lookupChoices(l.id, titleOf(forms, l.form), byForm.get(l.form) ?? []) : [],
    );
    const ready = !wanted || wanted.split('|').every((key) => versions.has(key));
    return { base, byForm, all: [...base, ...looked], ready };
  }, [versions, seeSensitive, processSet, baseForm, lookups, forms, wanted]);
}
