import { createHash } from 'node:crypto';
import type { Clock } from '@collectflow/engine';
import { DomainError } from '@collectflow/schema';
import type { AttachmentRecord, AttachmentSubjectType, Store, StoreTx } from '@collectflow/store';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '../../auth/actor.js';
import { forbidden, invalid, notFound, UUID } from '../collab.errors.js';
import { canSeeAttachment, canSeeComment, recordFor, taskFor } from '../subject.access.js';
import { type AttachmentStorage, databaseStorage, storageFor } from './attachment.storage.js';
import { type AttachmentView, attachmentView, isPreviewable } from './attachment.views.js';
import {
  DEFAULT_ALLOWED_TYPES,
  EXECUTABLE,
  extensionOf,
  sameType,
  sniffContentType,
  TYPE_BY_EXTENSION,
} from './content.sniffer.js';
import { noopVirusScanner, type VirusScanner } from './virus.scanner.js';

export interface AttachmentOptions {
  /** Largest file accepted, in bytes (default 20 MiB). */
  maxBytes: number;
  /** Content types accepted, checked against what the bytes are, not what the client says. */
  allowedTypes: readonly string[];
  /** Where new attachments go; existing ones are read from where they were written. */
  storage: AttachmentStorage;
  /** The directory storage, when configured (also to read attachments written there before). */
  directory?: AttachmentStorage;
  scanner: VirusScanner;
}

export const DEFAULT_ATTACHMENT_OPTIONS: AttachmentOptions = {
  maxBytes: 20 * 1024 * 1024,
  allowedTypes: DEFAULT_ALLOWED_TYPES,
  storage: databaseStorage,
  scanner: noopVirusScanner,
};

export interface Upload {
  fileName: string;
  /** The Content-Type the client sent (may be generic, never trusted on its own). */
  declaredType: string | undefined;
  content: Uint8Array;
}

const MAX_FILE_NAME = 255;

/** Files on records, tasks and comments: checked, scanned, stored; downloads checked and audited. */
export class AttachmentsService {
  constructor(private readonly deps: { store: Store; clock: Clock; options: AttachmentOptions }) {}

  get maxBytes(): number {
    return this.deps.options.maxBytes;
  }

  /** Checks what a caller may attach to before the body is read (no point reading a refused upload). */
  async checkCanAttach(subjectType: AttachmentSubjectType, subjectId: string, actor: Actor): Promise<void> {
    await this.deps.store.transaction((tx) => this.attachable(tx, subjectType, subjectId, actor), {
      readOnly: true,
    });
  }

  /**
   * A file chosen in a form before its record exists (the caller checked the form permission):
   * only its uploader sees it until a record that names it is saved and takes it over.
   */
  async stage(upload: Upload, actor: Actor): Promise<AttachmentView> {
    return this.upload('upload', null, upload, actor);
  }

  /** `subjectId` null: a pending upload, its own subject until a record takes it over. */
  async upload(
    subjectType: AttachmentSubjectType,
    subjectId: string | null,
    upload: Upload,
    actor: Actor,
  ): Promise<AttachmentView> {
    const { options } = this.deps;
    const fileName = checkFileName(upload.fileName);
    const contentType = this.checkContent(fileName, upload);
    const id = uuidv7();
    const subject = subjectId ?? id;
    const scan = await options.scanner.scan(upload.content, { fileName, contentType });
    if (!scan.clean) {
      await this.deps.store.transaction((tx) =>
        tx.audit.append({
          actor: actor.userId,
          action: 'attachment.rejected',
          subjectType,
          subjectId: subject,
          detail: { reason: 'infected', threat: scan.threat, scanner: options.scanner.name, fileName },
        }),
      );
      throw invalid(
        'attachments.infected',
        '',
        `the virus scanner found "${scan.threat}" in ${fileName}; it was not stored`,
        'the attempt was logged; scan the file on your computer',
      );
    }
    const sha256 = createHash('sha256').update(upload.content).digest('hex');
    const inRow = await options.storage.put(id, upload.content);
    try {
      return await this.deps.store.transaction(async (tx) => {
        await this.attachable(tx, subjectType, subject, actor);
        const stored = await tx.attachments.insert(
          {
            id,
            subjectType,
            subjectId: subject,
            fileName,
            contentType,
            sizeBytes: upload.content.byteLength,
            sha256,
            storage: options.storage.kind,
            uploadedBy: actor.userId,
            createdAt: this.deps.clock.now(),
          },
          inRow,
        );
        await tx.audit.append({
          actor: actor.userId,
          action: 'attachment.uploaded',
          subjectType: 'attachment',
          subjectId: id,
          detail: {
            on: { type: subjectType, id: subject },
            fileName,
            contentType,
            sizeBytes: stored.sizeBytes,
            sha256,
            scanner: options.scanner.name,
          },
        });
        return attachmentView(stored);
      });
    } catch (error) {
      await options.storage.discard(id).catch(() => undefined);
      throw error;
    }
  }

  async list(
    subjectType: 'record' | 'task',
    subjectId: string,
    actor: Actor,
  ): Promise<{ items: AttachmentView[] }> {
    return this.deps.store.transaction(
      async (tx) => {
        if (subjectType === 'record') await recordFor(tx, subjectId, actor);
        else await taskFor(tx, subjectId, actor);
        const items = await tx.attachments.list([{ type: subjectType, id: subjectId }]);
        return { items: items.map(attachmentView) };
      },
      { readOnly: true },
    );
  }

  async get(id: string, actor: Actor): Promise<AttachmentView> {
    return this.deps.store.transaction(async (tx) => attachmentView(await this.visible(tx, id, actor)), {
      readOnly: true,
    });
  }

  /** The bytes, after the same rule as the thing it is attached to; every download is audited. */
  async download(
    id: string,
    actor: Actor,
    inline: boolean,
  ): Promise<{ attachment: AttachmentRecord; content: Uint8Array; inline: boolean }> {
    return this.deps.store.transaction(async (tx) => {
      const attachment = await this.visible(tx, id, actor);
      const content = await storageFor(attachment, {
        database: databaseStorage,
        directory: this.deps.options.directory,
      }).get(tx, attachment);
      if (!content) {
        throw new DomainError(
          'attachments.content_missing',
          'unavailable',
          `the content of attachment ${id} is missing from its storage`,
          { hint: 'restore the attachment directory from a backup' },
        );
      }
      const shownInline = inline && isPreviewable(attachment.contentType);
      await tx.audit.append({
        actor: actor.userId,
        action: 'attachment.downloaded',
        subjectType: 'attachment',
        subjectId: id,
        detail: {
          on: { type: attachment.subjectType, id: attachment.subjectId },
          fileName: attachment.fileName,
          sizeBytes: attachment.sizeBytes,
          inline: shownInline,
        },
      });
      return { attachment, content, inline: shownInline };
    });
  }

  /** Only the uploader deletes; the row stays (hidden) for the audit trail, the bytes go. */
  async delete(id: string, actor: Actor): Promise<void> {
    const removed = await this.deps.store.transaction(async (tx) => {
      const attachment = await this.visible(tx, id, actor);
      if (attachment.uploadedBy !== actor.userId) {
        throw forbidden('attachments.not_uploader', 'only the person who uploaded a file can delete it');
      }
      await tx.attachments.delete(id, this.deps.clock.now());
      await tx.audit.append({
        actor: actor.userId,
        action: 'attachment.deleted',
        subjectType: 'attachment',
        subjectId: id,
        detail: {
          on: { type: attachment.subjectType, id: attachment.subjectId },
          fileName: attachment.fileName,
        },
      });
      return attachment;
    });
    if (removed.storage === 'directory')
      await this.deps.options.directory?.discard(id).catch(() => undefined);
  }

  private async visible(tx: StoreTx, id: string, actor: Actor): Promise<AttachmentRecord> {
    const attachment = UUID.test(id) ? await tx.attachments.get(id) : undefined;
    if (!attachment || !(await canSeeAttachment(tx, attachment, actor))) {
      throw notFound('attachments.not_found', 'attachment', id);
    }
    return attachment;
  }

  /** Records: edit rights on the record; tasks: a task one may work; comments: one's own. */
  private async attachable(
    tx: StoreTx,
    subjectType: AttachmentSubjectType,
    subjectId: string,
    actor: Actor,
  ): Promise<void> {
    if (subjectType === 'record') {
      await recordFor(tx, subjectId, actor, 'edit');
      return;
    }
    if (subjectType === 'task') {
      await taskFor(tx, subjectId, actor);
      return;
    }
    if (subjectType === 'upload') return;
    const comment = UUID.test(subjectId) ? await tx.comments.get(subjectId) : undefined;
    if (!comment || comment.deletedAt !== null || !(await canSeeComment(tx, comment, actor))) {
      throw notFound('comments.not_found', 'comment', subjectId);
    }
    if (comment.authorId !== actor.userId) {
      throw forbidden('comments.not_author', 'only the author can attach files to a comment');
    }
  }

  /** Size, then what the bytes are against the allow-list, the extension and the declared type. */
  private checkContent(fileName: string, upload: Upload): string {
    const { maxBytes, allowedTypes } = this.deps.options;
    const size = upload.content.byteLength;
    if (size === 0) throw invalid('attachments.empty', '', 'the file is empty');
    if (size > maxBytes) throw tooLarge(maxBytes);
    const extension = extensionOf(fileName);
    const sniffed = sniffContentType(upload.content, extension);
    const claimed = extension ? TYPE_BY_EXTENSION[extension] : undefined;
    const declared =
      upload.declaredType && upload.declaredType !== 'application/octet-stream'
        ? upload.declaredType
        : undefined;
    if (sniffed === EXECUTABLE) {
      throw invalid(
        'attachments.content_mismatch',
        '',
        `${fileName} is an executable program${claimed ? `, not ${claimed}` : ''}; programs cannot be attached`,
      );
    }
    if (!sniffed || !allowedTypes.includes(sniffed)) {
      throw invalid(
        'attachments.type_not_allowed',
        '',
        `${fileName} is ${sniffed ?? 'of an unknown type'}, which cannot be attached`,
        `allowed: ${allowedTypes.join(', ')}`,
      );
    }
    if (!claimed || !sameType(claimed, sniffed)) {
      throw invalid(
        'attachments.content_mismatch',
        '/fileName',
        `the content of ${fileName} is ${sniffed}, which does not match its extension`,
        extension ? `rename it to end in the right extension` : 'give the file name an extension',
      );
    }
    if (declared && !sameType(declared, sniffed)) {
      throw invalid(
        'attachments.content_mismatch',
        '',
        `the file was sent as ${declared}, but its content is ${sniffed}`,
      );
    }
    return sniffed === 'text/plain' && claimed === 'text/csv' ? 'text/csv' : sniffed;
  }
}

export function tooLarge(maxBytes: number): DomainError {
  return new DomainError('attachments.too_large', 'too_large', `files may be at most ${maxBytes} bytes`, {
    hint: 'compress or split the file',
  });
}

function checkFileName(raw: string): string {
  const name = raw.normalize('NFC').trim();
  // Path separators and control characters have no place in a name shown to others and used in headers.
  if (
    name === '' ||
    name.length > MAX_FILE_NAME ||
    [...name].some((c) => c === '/' || c === '\\' || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) ||
    name === '.' ||
    name === '..'
  ) {
    throw invalid(
      'attachments.invalid_file_name',
      '/fileName',
      `fileName must be 1 to ${MAX_FILE_NAME} characters without slashes or control characters`,
    );
  }
  return name;
}
