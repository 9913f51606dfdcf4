/** The registry's form API as the designer uses it (packages/server/src/routes/forms.routes.ts). */
import { api } from '../api/client';
import type { FormSummary, FormVersion, Page } from '../api/types';
import { forgetCached } from '../api/use-api';
import type { FormDefinitionLike } from './designer.model';

export interface DefinitionProblem {
  pointer: string;
  code: string;
  message: string;
  severity: 'error' | 'warning';
}

export interface FormDraft extends FormDefinitionLike {
  revision: number;
  updatedAt?: string;
  updatedBy?: string;
}

export interface Change {
  pointer: string;
  code: string;
  message: string;
}

export interface CompatibilityReport {
  compatible: boolean;
  breaking: Change[];
  additive: Change[];
  from?: number | string;
  to?: number | string;
}

export interface FormVersionSummary {
  key: string;
  version: number;
  title: FormSummary['title'];
  compatibility?: CompatibilityReport | null;
  acceptedBreaking?: boolean;
  publishedAt: string;
  publishedBy?: string;
}

const at = (key: string) => `/api/forms/${encodeURIComponent(key)}`;

export const designerApi = {
  getForm: (key: string) => api<FormSummary>(at(key)),
  getDraft: (key: string) => api<FormDraft>(`${at(key)}/draft`),
  create: (definition: FormDefinitionLike) =>
    api<{ form: FormSummary; draft: FormDraft; problems: DefinitionProblem[] }>('/api/forms', {
      json: definition,
    }),
  saveDraft: (definition: FormDefinitionLike, revision: number) =>
    api<{ draft: FormDraft; problems: DefinitionProblem[] }>(`${at(definition.key)}/draft`, {
      method: 'PUT',
      json: { ...definition, revision },
    }),
  check: (definition: unknown) =>
    api<{ valid: boolean; problems: DefinitionProblem[] }>('/api/form-checks', { json: definition }),
  diff: (key: string, from: string, to: string) =>
    api<CompatibilityReport>(`${at(key)}/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),
  publish: async (key: string, draftRevision: number, acceptBreaking: boolean) => {
    const result = await api<{ version: FormVersion; compatibility: CompatibilityReport | null }>(
      `${at(key)}/publish`,
      { json: { draftRevision, acceptBreaking } },
    );
    forgetCached(at(key));
    return result;
  },
  versions: (key: string) => api<Page<FormVersionSummary>>(`${at(key)}/versions?limit=200`),
  version: (key: string, version: number | 'latest') => api<FormVersion>(`${at(key)}/versions/${version}`),
};
