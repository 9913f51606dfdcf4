import type { AttachmentRecord } from '@collectflow/store';

export interface AttachmentView {
  id: string;
  subject: { type: 'record' | 'task' | 'comment' | 'upload'; id: string };
  fileName: string;
  /** The type the content was checked to be. */
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  createdAt: string;
  /** GET it to download (add ?inline=1 to show an image or PDF in the page). */
  downloadUrl: string;
  /** Images and PDFs can be shown inline. */
  previewable: boolean;
}

export const isPreviewable = (contentType: string) =>
  contentType === 'application/pdf' || contentType.startsWith('image/');

export function attachmentView(a: AttachmentRecord): AttachmentView {
  return {
    id: a.id,
    subject: { type: a.subjectType, id: a.subjectId },
    fileName: a.fileName,
    contentType: a.contentType,
    sizeBytes: a.sizeBytes,
    sha256: a.sha256,
    uploadedBy: a.uploadedBy,
    createdAt: a.createdAt.toISOString(),
    downloadUrl: `/api/attachments/${a.id}/content`,
    previewable: isPreviewable(a.contentType),
  };
}
