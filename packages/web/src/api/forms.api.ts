import { api } from './client';
import type { FormSummary, FormVersion } from './types';
import { cachedGet } from './use-api';

/** A published form version: the one named, or the latest. Numbered versions never change, so they are cached. */
export async function loadFormVersion(key: string, version: number | null | undefined): Promise<FormVersion> {
  const n = version ?? (await api<FormSummary>(`/api/forms/${encodeURIComponent(key)}`)).latestVersion;
  return cachedGet<FormVersion>(`/api/forms/${encodeURIComponent(key)}/versions/${n ?? 'latest'}`);
}
