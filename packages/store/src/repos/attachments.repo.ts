import type { Knex } from 'knex';

/** 'upload': chosen in a form whose record does not exist yet; only its uploader sees it. */
export type AttachmentSubjectType = 'record' | 'task' | 'comment' | 'upload';
export type AttachmentStorageKind = 'database' | 'directory';

export interface AttachmentRecord {
  id: string;
  subjectType: AttachmentSubjectType;
  subjectId: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  storage: AttachmentStorageKind;
  uploadedBy: string;
  createdAt: Date;
  deletedAt: Date | null;
}

export type NewAttachment = Omit<AttachmentRecord, 'deletedAt'>;

interface AttachmentRow {
  id: string;
  subject_type: AttachmentSubjectType;
  subject_id: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  storage: AttachmentStorageKind;
  uploaded_by: string;
  created_at: Date;
  deleted_at: Date | null;
}

const toRecord = (r: AttachmentRow): AttachmentRecord => ({
  id: r.id,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  fileName: r.file_name,
  contentType: r.content_type,
  sizeBytes: Number(r.size_bytes),
  sha256: r.sha256,
  storage: r.storage,
  uploadedBy: r.uploaded_by,
  createdAt: r.created_at,
  deletedAt: r.deleted_at,
});

/** Files on records, tasks and comments: metadata always here, the bytes here or in a directory. */
export class AttachmentsRepo {
  constructor(private readonly db: Knex.Transaction) {}

  /** `content` is stored in the database when given (storage 'database'). */
  async insert(attachment: NewAttachment, content?: Uint8Array): Promise<AttachmentRecord> {
    const rows = (await this.db('attachments')
      .insert({
        id: attachment.id,
        subject_type: attachment.subjectType,
        subject_id: attachment.subjectId,
        file_name: attachment.fileName,
        content_type: attachment.contentType,
        size_bytes: attachment.sizeBytes,
        sha256: attachment.sha256,
        storage: attachment.storage,
        uploaded_by: attachment.uploadedBy,
        created_at: attachment.createdAt,
      })
      .returning('*')) as AttachmentRow[];
    if (content) {
      await this.db('attachment_contents').insert({
        attachment_id: attachment.id,
        content: Buffer.from(content),
      });
    }
    return toRecord(rows[0]!);
  }

  async get(id: string): Promise<AttachmentRecord | undefined> {
    const row = (await this.db('attachments').where({ id }).whereNull('deleted_at').first()) as
      | AttachmentRow
      | undefined;
    return row ? toRecord(row) : undefined;
  }

  async byIds(ids: readonly string[]): Promise<AttachmentRecord[]> {
    if (ids.length === 0) return [];
    const rows = (await this.db('attachments')
      .whereIn('id', [...ids])
      .whereNull('deleted_at')) as AttachmentRow[];
    return rows.map(toRecord);
  }

  async content(id: string): Promise<Uint8Array | undefined> {
    const row = (await this.db('attachment_contents').where({ attachment_id: id }).first('content')) as
      | { content: Uint8Array }
      | undefined;
    return row?.content;
  }

  /** Newest first. */
  async list(
    subjects: readonly { type: AttachmentSubjectType; id: string }[],
    limit = 200,
  ): Promise<AttachmentRecord[]> {
    if (subjects.length === 0) return [];
    const q = this.db('attachments').whereNull('deleted_at').orderBy('id', 'desc').limit(limit);
    q.where((w) => {
      for (const s of subjects) w.orWhere({ subject_type: s.type, subject_id: s.id });
    });
    return ((await q) as AttachmentRow[]).map(toRecord);
  }

  /**
   * Moves the caller's own pending uploads onto a subject (a record being saved); returns the ids
   * moved. Uploads of others, deleted ones and ones already on a subject are left alone.
   */
  async claimUploads(
    ids: readonly string[],
    uploadedBy: string,
    subject: { type: AttachmentSubjectType; id: string },
  ): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = (await this.db('attachments')
      .whereIn('id', [...ids])
      .where({ subject_type: 'upload', uploaded_by: uploadedBy })
      .whereNull('deleted_at')
      .update({ subject_type: subject.type, subject_id: subject.id })
      .returning('id')) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /** Hides the attachment and drops bytes kept in the database; the metadata stays for the audit trail. */
  async delete(id: string, at: Date): Promise<boolean> {
    const n = await this.db('attachments').where({ id }).whereNull('deleted_at').update({ deleted_at: at });
    if (n > 0) await this.db('attachment_contents').where({ attachment_id: id }).delete();
    return n > 0;
  }
}
