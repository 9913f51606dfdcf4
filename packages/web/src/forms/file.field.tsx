import { PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import type { FieldProps } from '@rjsf/utils';
import { Button, Upload, type UploadFile } from 'antd';
import { useRef, useState } from 'react';
import { ApiError, api, query } from '../api/client';
import { useLocale } from '../i18n/locale.context';

/** One attached file as a record keeps it (the server fills name, size and type from the stored file). */
export interface FileReference {
  id: string;
  name: string;
  size: number;
  contentType: string;
}

interface StoredAttachment {
  id: string;
  fileName: string;
  sizeBytes: number;
  contentType: string;
}

/** What the renderer's caller says about where files go: a POST path taking the file as its body. */
export interface FileFormContext {
  uploadTo?: string;
}

export const isFileReference = (v: unknown): v is FileReference =>
  typeof v === 'object' && v !== null && typeof (v as FileReference).id === 'string';

/** The permission-checked, audited download of an attachment. */
export const downloadUrlOf = (id: string) => `/api/attachments/${encodeURIComponent(id)}/content`;

/**
 * A file field (`x-field: file`, `ui:field: cfFile`): antd's Upload sending each file to the
 * attachments API and keeping `{ id, name, size, contentType }` per file in the form data.
 */
export function FileField(props: FieldProps) {
  const { formData, onChange, schema, registry, disabled, readonly, required, fieldPathId, uiSchema } = props;
  const { t } = useLocale();
  const [failure, setFailure] = useState<string | null>(null);
  const id = fieldPathId.$id;
  const files: FileReference[] = Array.isArray(formData) ? formData.filter(isFileReference) : [];
  // Several files can finish uploading between two renders: add to the newest list, not the rendered one.
  const current = useRef(files);
  current.current = files;
  const uploadTo = (registry.formContext as FileFormContext | undefined)?.uploadTo;
  const max = typeof schema.maxItems === 'number' ? schema.maxItems : undefined;
  const title = uiSchema?.['ui:title'] ?? schema.title ?? props.name;
  const inactive = Boolean(disabled || readonly || !uploadTo);
  const path = fieldPathId.path;

  const fileList: UploadFile[] = files.map((f) => ({
    uid: f.id,
    name: f.name,
    size: f.size,
    type: f.contentType,
    status: 'done',
    url: downloadUrlOf(f.id),
  }));

  return (
    // A group named by the field's label: the button keeps its own name ("Choose a file").
    <fieldset className="cf-file-field" data-testid={`file-field-${props.name}`}>
      <legend className="cf-field-label">
        {required && (
          <span className="cf-required" aria-hidden="true">
            *
          </span>
        )}
        {String(title)}
      </legend>
      <Upload
        fileList={fileList}
        disabled={inactive}
        maxCount={max}
        showUploadList={{ showRemoveIcon: !inactive, showDownloadIcon: false }}
        customRequest={async (options) => {
          const file = options.file as File;
          setFailure(null);
          try {
            const stored = await api<StoredAttachment>(`${uploadTo}${query({ fileName: file.name })}`, {
              method: 'POST',
              body: file,
              headers: { 'content-type': file.type || 'application/octet-stream' },
            });
            const next = [
              ...current.current,
              {
                id: stored.id,
                name: stored.fileName,
                size: stored.sizeBytes,
                contentType: stored.contentType,
              },
            ];
            current.current = next;
            onChange(next, path, undefined, id);
            options.onSuccess?.(stored);
          } catch (e) {
            const message = e instanceof ApiError || e instanceof Error ? e.message : String(e);
            setFailure(t('fileUploadFailed', { name: file.name, message }));
            options.onError?.(e instanceof Error ? e : new Error(message));
          }
        }}
        onRemove={(file) => {
          const next = current.current.filter((f) => f.id !== file.uid);
          current.current = next;
          onChange(next.length > 0 ? next : undefined, path, undefined, id);
          return true;
        }}
      >
        {!inactive && (max === undefined || files.length < max) && (
          <Button id={id} icon={<UploadOutlined />}>
            {t('fileChoose')}
          </Button>
        )}
      </Upload>
      {failure && (
        <div className="cf-field-errors" role="alert">
          {failure}
        </div>
      )}
      {!uploadTo && !readonly && (
        <div className="cf-field-help">
          <PaperClipOutlined /> {t('fileNoTarget')}
        </div>
      )}
    </fieldset>
  );
}
