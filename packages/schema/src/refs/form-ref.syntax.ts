/**
 * Refs between registered forms.
 *
 *   "$ref": "collectflow:debtor@3"                          the whole schema of form debtor, version 3
 *   "$ref": "collectflow:debtor@3#/properties/address"      a part of it (a JSON pointer fragment)
 *
 * It is an absolute URI (scheme "collectflow"), so ajv resolves it like any other $id, and the
 * version is always pinned: a published form never changes meaning because another form moved on.
 */
export const FORM_REF_SCHEME = 'collectflow:';

/** Gives the schema of another registered form version, or undefined when there is none. */
export type ResolveFormSchema = (key: string, version: number) => Record<string, unknown> | undefined;

export interface FormRef {
  key: string;
  version: number;
  /** The document URI, 'collectflow:key@version', without the fragment. */
  uri: string;
  /** JSON pointer inside that form's schema ('' for the whole schema). */
  pointer: string;
}

const FORM_REF = /^collectflow:([a-z][a-z0-9-]{1,62})@([1-9]\d{0,8})(?:#(.*))?$/;

export function formRefUri(key: string, version: number): string {
  return `${FORM_REF_SCHEME}${key}@${version}`;
}

export function isFormRef(ref: string): boolean {
  return ref.startsWith(FORM_REF_SCHEME);
}

/** undefined when the text is not a well-formed form ref. */
export function parseFormRef(ref: string): FormRef | undefined {
  const match = FORM_REF.exec(ref);
  if (!match) return undefined;
  const key = match[1] ?? '';
  const version = Number(match[2]);
  const pointer = decodeFragment(match[3] ?? '');
  if (pointer === undefined || (pointer !== '' && !pointer.startsWith('/'))) return undefined;
  return { key, version, uri: formRefUri(key, version), pointer };
}

/** A URI fragment is a percent-encoded JSON pointer; undefined when the encoding is broken. */
export function decodeFragment(fragment: string): string | undefined {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return undefined;
  }
}
