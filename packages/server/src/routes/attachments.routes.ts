import type { AttachmentSubjectType } from '@collectflow/store';
import { type Request, Router } from 'express';
import {
  type Actor,
  actorOf,
  canOnForm,
  requireFormPermission,
  requireSomeFormPermission,
} from '../auth/actor.js';
import { tooLarge } from '../collaboration/attachments/attachments.service.js';
import { invalid } from '../collaboration/collab.errors.js';
import { collabSchemas, idPath, query } from '../collaboration/collab.schemas.js';
import type { Collaboration } from '../collaboration/collaboration.js';
import type { OpenApiDocument } from '../openapi/openapi.document.js';
import { requireAnyPermission } from '../registry/registry.http.js';

/**
 * Reads the raw request body, refusing it as soon as it passes `max` bytes (the socket is not
 * read further), so a huge upload never sits in memory.
 */
async function readUpload(req: Request, max: number): Promise<Uint8Array> {
  if (req.body !== undefined) {
    // express.json got there first: JSON documents are not attachments.
    throw invalid(
      'attachments.type_not_allowed',
      '',
      'JSON documents cannot be attached',
      'send the file itself as the body',
    );
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) throw tooLarge(max);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      req.unpipe();
      req.resume();
      throw tooLarge(max);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function declaredType(req: Request): string | undefined {
  const header = req.headers['content-type'];
  return header ? header.split(';')[0]!.trim().toLowerCase() : undefined;
}

function fileNameOf(req: Request): string {
  const name = req.query.fileName;
  if (typeof name !== 'string' || name === '') {
    throw invalid('attachments.invalid_file_name', '/fileName', 'the query parameter fileName is required');
  }
  return name;
}

/**
 * Attachments on records, tasks and comments. Upload: the file's bytes as the body (its type
 * in Content-Type, its name in ?fileName=); the content is checked against the allow-list, the
 * extension and the declared type, and scanned. Downloads follow the record-level rule of what
 * the file is attached to, and are audited.
 */
export function attachmentsRoutes(openapi: OpenApiDocument, deps: { collaboration: Collaboration }): Router {
  const router = Router();
  const { attachments } = deps.collaboration;
  const s = collabSchemas(openapi);
  const tags = ['attachments'];

  const uploadBody = {
    required: true,
    description: 'the file itself (not multipart); Content-Type: its type',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  };
  const uploadResponses = (on: string) => ({
    '201': { description: 'stored', schema: s.Attachment },
    '404': { description: `no such ${on}, or not yours` },
    '413': { description: 'the file is over the size limit' },
    '422': {
      description:
        'empty, a type that is not allowed, content that does not match the extension or declared type (e.g. a program named .pdf), a bad fileName, or a virus found',
    },
  });

  const subjects: {
    on: AttachmentSubjectType;
    path: string;
    op: string;
    permission?: string | string[];
    check: (a: Actor) => void;
  }[] = [
    {
      on: 'record',
      path: '/api/records/:id/attachments',
      op: 'Record',
      permission: 'records.edit',
      check: (a) => requireSomeFormPermission(a, 'edit'),
    },
    {
      on: 'task',
      path: '/api/tasks/:id/attachments',
      op: 'Task',
      permission: ['tasks.work', 'process.admin'],
      check: (a) => requireAnyPermission(a, ['tasks.work', 'process.admin']),
    },
    { on: 'comment', path: '/api/comments/:id/attachments', op: 'Comment', check: () => undefined },
  ];

  for (const { on, path, op, permission, check } of subjects) {
    openapi.operation('post', path, {
      operationId: `upload${op}Attachment`,
      summary:
        on === 'comment'
          ? 'Attach a file to your comment'
          : `Attach a file to a ${on}${on === 'record' ? ' (needs edit rights on it)' : ''}`,
      tags,
      ...(permission ? { permission } : {}),
      parameters: [
        idPath('id', `${on} id`),
        { ...query('fileName', 'the file name, with its extension'), required: true },
      ],
      requestBody: uploadBody,
      responses: uploadResponses(on),
    });
    router.post(path, async (req, res) => {
      const actor = actorOf(req);
      check(actor);
      await attachments.checkCanAttach(on, String(req.params.id), actor);
      const fileName = fileNameOf(req);
      const content = await readUpload(req, attachments.maxBytes);
      const stored = await attachments.upload(
        on,
        String(req.params.id),
        { fileName, declaredType: declaredType(req), content },
        actor,
      );
      res.status(201).location(`/api/attachments/${stored.id}`).json(stored);
    });
  }

  openapi.operation('post', '/api/forms/:key/uploads', {
    operationId: 'uploadFormFile',
    summary:
      "Upload a file for a form's file field before the record exists: only you see it until a record you save names it in its data (then it is that record's attachment)",
    tags,
    permission: ['records.create', 'records.edit'],
    parameters: [
      { name: 'key', in: 'path', required: true, schema: { type: 'string' }, description: 'form key' },
      { ...query('fileName', 'the file name, with its extension'), required: true },
    ],
    requestBody: uploadBody,
    responses: {
      '201': {
        description:
          'stored; put { id, name, size, contentType } (fileName, sizeBytes, contentType) into the file field',
        schema: s.Attachment,
      },
      '403': { description: 'you may neither create nor edit records of this form' },
      '413': { description: 'the file is over the size limit' },
      '422': {
        description:
          'empty, a type that is not allowed, content that does not match the extension or declared type, a bad fileName, or a virus found',
      },
    },
  });
  router.post('/api/forms/:key/uploads', async (req, res) => {
    const actor = actorOf(req);
    const key = String(req.params.key);
    if (!canOnForm(actor, key, 'create')) requireFormPermission(actor, key, 'edit');
    const fileName = fileNameOf(req);
    const content = await readUpload(req, attachments.maxBytes);
    const stored = await attachments.stage({ fileName, declaredType: declaredType(req), content }, actor);
    res.status(201).location(`/api/attachments/${stored.id}`).json(stored);
  });

  for (const { on, path, op, permission, check } of subjects.filter((x) => x.on !== 'comment')) {
    openapi.operation('get', path, {
      operationId: `list${op}Attachments`,
      summary: `A ${on}'s attachments, newest first`,
      tags,
      ...(on === 'record' ? { permission: 'records.view' } : permission ? { permission } : {}),
      parameters: [idPath('id', `${on} id`)],
      responses: {
        '200': {
          description: 'the attachments',
          schema: { type: 'object', properties: { items: { type: 'array', items: s.Attachment } } },
        },
        '404': { description: `no such ${on}, or not yours to see` },
      },
    });
    router.get(path, async (req, res) => {
      const actor = actorOf(req);
      if (on === 'record') requireSomeFormPermission(actor, 'view');
      else check(actor);
      res.json(await attachments.list(on as 'record' | 'task', String(req.params.id), actor));
    });
  }

  openapi.operation('get', '/api/attachments/:id', {
    operationId: 'getAttachment',
    summary: "An attachment's details",
    tags,
    parameters: [idPath()],
    responses: {
      '200': { description: 'the attachment', schema: s.Attachment },
      '404': { description: 'no such attachment, or not yours to see' },
    },
  });
  router.get('/api/attachments/:id', async (req, res) => {
    res.json(await attachments.get(req.params.id, actorOf(req)));
  });

  openapi.operation('get', '/api/attachments/:id/content', {
    operationId: 'downloadAttachment',
    summary: 'Download an attachment (same rule as what it is attached to; every download is audited)',
    tags,
    parameters: [
      idPath(),
      query('inline', '1: show an image or PDF in the page instead of saving it', { type: 'boolean' }),
    ],
    responses: {
      '200': {
        description: 'the file',
        contentType: 'application/octet-stream',
        schema: { type: 'string', format: 'binary' },
      },
      '404': { description: 'no such attachment, or not yours to see' },
    },
  });
  router.get('/api/attachments/:id/content', async (req, res) => {
    const inline = req.query.inline === '1' || req.query.inline === 'true';
    const {
      attachment,
      content,
      inline: shown,
    } = await attachments.download(req.params.id, actorOf(req), inline);
    const ascii = attachment.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
    res.setHeader('content-type', attachment.contentType);
    res.setHeader('content-length', String(content.byteLength));
    res.setHeader(
      'content-disposition',
      `${shown ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(attachment.fileName)}`,
    );
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', 'private, no-store');
    res.end(Buffer.from(content.buffer, content.byteOffset, content.byteLength));
  });

  openapi.operation('delete', '/api/attachments/:id', {
    operationId: 'deleteAttachment',
    summary: 'Delete a file you uploaded (its record stays in the audit log)',
    tags,
    parameters: [idPath()],
    responses: {
      '204': { description: 'deleted' },
      '403': { description: 'you did not upload it' },
      '404': { description: 'no such attachment, or not yours to see' },
    },
  });
  router.delete('/api/attachments/:id', async (req, res) => {
    await attachments.delete(req.params.id, actorOf(req));
    res.status(204).end();
  });

  return router;
}
