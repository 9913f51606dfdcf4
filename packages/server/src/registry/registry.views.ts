import type { FormRecord, FormVersionRecord, FormVersionSummary, RecordRecord } from '@collectflow/store';

/** What the API returns; dates as ISO strings, field names as the OpenAPI document names them. */

export interface FormSummaryView {
  key: string;
  title: FormRecord['title'];
  latestVersion: number | null;
  draftRevision: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export interface FormDraftView {
  key: string;
  revision: number;
  title: FormRecord['title'];
  schema: Record<string, unknown>;
  uiSchema: Record<string, unknown>;
  metadata: Record<string, unknown>;
  updatedAt: string;
  updatedBy: string;
}

export interface FormVersionSummaryView {
  key: string;
  version: number;
  title: FormRecord['title'];
  compatibility: Record<string, unknown> | null;
  acceptedBreaking: boolean;
  publishedAt: string;
  publishedBy: string;
}

export interface FormVersionView extends FormVersionSummaryView {
  schema: Record<string, unknown>;
  uiSchema: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface RecordView {
  id: string;
  formKey: string;
  formVersion: number;
  version: number;
  data: unknown;
  computed: Record<string, unknown>;
  ownerTeamId: string | null;
  assigneeId: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  /** Pointers whose values were masked for this caller (no 'sensitive.view'). */
  masked: string[];
}

export const formSummaryView = (f: FormRecord): FormSummaryView => ({
  key: f.key,
  title: f.title,
  latestVersion: f.latestVersion,
  draftRevision: f.draftRevision,
  createdAt: f.createdAt.toISOString(),
  createdBy: f.createdBy,
  updatedAt: f.updatedAt.toISOString(),
  updatedBy: f.updatedBy,
});

export const formDraftView = (f: FormRecord): FormDraftView | undefined =>
  f.draft
    ? {
        key: f.key,
        revision: f.draftRevision,
        title: f.draft.title,
        schema: f.draft.schema,
        uiSchema: f.draft.uiSchema,
        metadata: f.draft.metadata,
        updatedAt: f.updatedAt.toISOString(),
        updatedBy: f.updatedBy,
      }
    : undefined;

export const formVersionSummaryView = (v: FormVersionSummary): FormVersionSummaryView => ({
  key: v.key,
  version: v.version,
  title: v.title,
  compatibility: v.compatibility,
  acceptedBreaking: v.acceptedBreaking,
  publishedAt: v.publishedAt.toISOString(),
  publishedBy: v.publishedBy,
});

export const formVersionView = (v: FormVersionRecord): FormVersionView => ({
  ...formVersionSummaryView(v),
  schema: v.schema,
  uiSchema: v.uiSchema,
  metadata: v.metadata,
});

export const recordView = (
  r: RecordRecord,
  shown: { data: unknown; computed: Record<string, unknown>; masked: string[] },
): RecordView => ({
  id: r.id,
  formKey: r.formKey,
  formVersion: r.formVersion,
  version: r.version,
  data: shown.data,
  computed: shown.computed,
  ownerTeamId: r.ownerTeamId,
  assigneeId: r.assigneeId,
  createdAt: r.createdAt.toISOString(),
  createdBy: r.createdBy,
  updatedAt: r.updatedAt.toISOString(),
  updatedBy: r.updatedBy,
  masked: shown.masked,
});
