import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '@collectflow/schema';
import type { AttachmentRecord, AttachmentStorageKind, StoreTx } from '@collectflow/store';

/**
 * Where attachment bytes live. The metadata row is always in the database; the bytes go in the
 * row's companion table ('database', the default: one backup covers everything) or in a
 * directory ('directory': keeps large files out of the database).
 */
export interface AttachmentStorage {
  readonly kind: AttachmentStorageKind;
  /** Before the metadata is inserted; returns the bytes the row itself must carry ('database'). */
  put(id: string, content: Uint8Array): Promise<Uint8Array | undefined>;
  get(tx: StoreTx, attachment: AttachmentRecord): Promise<Uint8Array | undefined>;
  /** After a failed insert, or when an attachment is deleted. */
  discard(id: string): Promise<void>;
}

export const databaseStorage: AttachmentStorage = {
  kind: 'database',
  put: async (_id, content) => content,
  get: (tx, attachment) => tx.attachments.content(attachment.id),
  discard: async () => undefined,
};

export function directoryStorage(dir: string): AttachmentStorage {
  // uuidv7 ids start with the time: fan out on the random end.
  const pathOf = (id: string) => join(dir, id.slice(-2), id);
  return {
    kind: 'directory',
    put: async (id, content) => {
      const target = pathOf(id);
      await mkdir(join(dir, id.slice(-2)), { recursive: true, mode: 0o700 });
      const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temporary, content, { mode: 0o600, flag: 'wx' });
      await rename(temporary, target);
      return undefined;
    },
    get: async (_tx, attachment) => {
      try {
        return await readFile(pathOf(attachment.id));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    discard: async (id) => {
      await rm(pathOf(id), { force: true });
    },
  };
}

/** Reads from the storage an attachment was written to, whatever is configured now. */
export function storageFor(
  attachment: AttachmentRecord,
  storages: { database: AttachmentStorage; directory?: AttachmentStorage | undefined },
): AttachmentStorage {
  if (attachment.storage === 'database') return storages.database;
  if (storages.directory) return storages.directory;
  throw new DomainError(
    'attachments.storage_unavailable',
    'unavailable',
    `attachment ${attachment.id} is kept in a directory, and no attachment directory is configured`,
    { hint: 'set COLLECTFLOW_ATTACHMENTS_DIR to the directory the attachments were stored in' },
  );
}
