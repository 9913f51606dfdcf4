import type { Locale, ValidationError } from '@collectflow/schema';
import type { AttachmentRecord, StoreTx } from '@collectflow/store';

type Json = Record<string, unknown>;
const text = (locale: Locale, en: string, zh: string) => (locale === 'zh-CN' ? zh : en);
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A file field's entry in record data: the attachment it names, and where it is. */
export interface FileReference {
  /** Pointer to the entry (an object with id, name, size, contentType). */
  pointer: string;
  id: string;
  entry: Json;
}

/** The entries of every file field (`x-field: file`) in `data`, walking sections and repeating groups. */
export function fileReferencesIn(schema: unknown, data: unknown, at = ''): FileReference[] {
  if (!isObject(schema)) return [];
  if (schema['x-field'] === 'file') {
    if (!Array.isArray(data)) return [];
    return data.flatMap((entry, i) =>
      isObject(entry) && typeof entry.id === 'string' ? [{ pointer: `${at}/${i}`, id: entry.id, entry }] : [],
    );
  }
  const out: FileReference[] = [];
  if (isObject(schema.properties) && isObject(data)) {
    for (const [name, child] of Object.entries(schema.properties)) {
      if (Object.hasOwn(data, name))
        out.push(
          ...fileReferencesIn(child, data[name], `${at}/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`),
        );
    }
  }
  if (isObject(schema.items) && Array.isArray(data)) {
    data.forEach((item, i) => {
      out.push(...fileReferencesIn(schema.items, item, `${at}/${i}`));
    });
  }
  return out;
}

/**
 * Checks that each file a record names is the caller's pending upload or already on this record,
 * and writes the stored name, size and type into the entry (the client's copy is not trusted).
 * Returns the problems, and the pending uploads to move onto the record once it is saved.
 */
export async function checkFileReferences(
  tx: StoreTx,
  references: FileReference[],
  owner: { userId: string; recordId: string | null },
  locale: Locale,
): Promise<{ errors: ValidationError[]; pending: string[] }> {
  if (references.length === 0) return { errors: [], pending: [] };
  const found = new Map<string, AttachmentRecord>(
    (await tx.attachments.byIds([...new Set(references.map((r) => r.id))])).map((a) => [a.id, a]),
  );
  const errors: ValidationError[] = [];
  const pending = new Set<string>();
  for (const ref of references) {
    const a = found.get(ref.id);
    const onRecord = a?.subjectType === 'record' && owner.recordId !== null && a.subjectId === owner.recordId;
    const mine = a?.subjectType === 'upload' && a.uploadedBy === owner.userId;
    if (!a || !(onRecord || mine)) {
      errors.push({
        pointer: `${ref.pointer}/id`,
        keyword: 'attachment',
        message: text(
          locale,
          'no such uploaded file, or not one you may attach here',
          '没有这个已上传的文件，或者您不能在这里附加它',
        ),
      });
      continue;
    }
    if (mine) pending.add(a.id);
    ref.entry.name = a.fileName;
    ref.entry.size = a.sizeBytes;
    ref.entry.contentType = a.contentType;
  }
  return { errors, pending: [...pending] };
}
