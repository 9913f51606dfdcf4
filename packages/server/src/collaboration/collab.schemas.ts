import type { OpenApiDocument } from '../openapi/openapi.document.js';

/** OpenAPI components of the collaboration routes, registered once per document. */
export function collabSchemas(openapi: OpenApiDocument) {
  const str = { type: 'string' };
  const nullableStr = { type: ['string', 'null'] };
  const dateTime = { type: 'string', format: 'date-time' };
  const localized = {
    type: 'object',
    additionalProperties: { type: 'string' },
    description: '{ "zh-CN": ..., "en": ... }',
  };
  const Attachment = openapi.schema('Attachment', {
    type: 'object',
    required: [
      'id',
      'subject',
      'fileName',
      'contentType',
      'sizeBytes',
      'sha256',
      'uploadedBy',
      'createdAt',
      'downloadUrl',
      'previewable',
    ],
    properties: {
      id: { type: 'string', format: 'uuid' },
      subject: {
        type: 'object',
        properties: { type: { enum: ['record', 'task', 'comment', 'upload'] }, id: str },
      },
      fileName: str,
      contentType: { type: 'string', description: 'what the content was checked to be' },
      sizeBytes: { type: 'integer' },
      sha256: str,
      uploadedBy: str,
      createdAt: dateTime,
      downloadUrl: { type: 'string', description: 'GET it; add ?inline=1 to preview an image or PDF' },
      previewable: { type: 'boolean' },
    },
  });
  const Mention = {
    oneOf: [
      {
        type: 'object',
        required: ['kind', 'id'],
        properties: {
          kind: { const: 'user' },
          id: { type: 'string', format: 'uuid' },
          displayName: nullableStr,
        },
      },
      {
        type: 'object',
        required: ['kind', 'key'],
        properties: { kind: { const: 'role' }, key: str, name: { ...localized, type: ['object', 'null'] } },
      },
    ],
  };
  const Comment = openapi.schema('Comment', {
    type: 'object',
    required: ['id', 'subject', 'author', 'body', 'mentions', 'revision', 'createdAt'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      subject: { type: 'object', properties: { type: { enum: ['record', 'task'] }, id: str } },
      caseKey: { ...nullableStr, description: 'the case number it is filed under' },
      author: { type: 'object', properties: { id: str, displayName: nullableStr } },
      body: { ...nullableStr, description: 'null once deleted' },
      mentions: { type: 'array', items: Mention },
      revision: { type: 'integer', description: '1, +1 on every edit' },
      createdAt: dateTime,
      editedAt: { ...nullableStr, format: 'date-time' },
      deletedAt: { ...nullableStr, format: 'date-time' },
      attachments: { type: 'array', items: Attachment },
    },
  });
  const CommentInput = {
    type: 'object',
    required: ['body'],
    properties: {
      body: {
        type: 'string',
        maxLength: 10_000,
        description: '@username and @role:<key> in the text mention too',
      },
      mentions: {
        type: 'array',
        maxItems: 20,
        items: {
          oneOf: [
            {
              type: 'object',
              required: ['kind', 'id'],
              properties: { kind: { const: 'user' }, id: { type: 'string', format: 'uuid' } },
            },
            { type: 'object', required: ['kind', 'key'], properties: { kind: { const: 'role' }, key: str } },
          ],
        },
      },
    },
  };
  const CommentSaved = {
    type: 'object',
    properties: {
      comment: Comment,
      mentions: {
        type: 'object',
        properties: {
          notified: { type: 'array', items: str },
          cannotSee: {
            type: 'array',
            description: 'mentioned, but they cannot see what the comment is on (not notified)',
            items: { type: 'object', properties: { id: str, displayName: str } },
          },
        },
      },
    },
  };
  const Notification = openapi.schema('Notification', {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      kind: {
        enum: [
          'mention',
          'assignment',
          'task.due_soon',
          'task.overdue',
          'task.escalated',
          'promise.broken',
          'incident',
        ],
      },
      subject: { type: 'object', properties: { type: str, id: str } },
      title: localized,
      excerpt: nullableStr,
      link: { ...nullableStr, description: 'the web app path to open' },
      data: { type: 'object' },
      actorId: nullableStr,
      createdAt: dateTime,
      readAt: { ...nullableStr, format: 'date-time' },
    },
  });
  const Webhook = openapi.schema('Webhook', {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      name: str,
      platform: { enum: ['generic', 'wecom', 'dingtalk', 'feishu', 'slack', 'teams'] },
      urlPreview: str,
      hasSecret: { type: 'boolean' },
      events: { type: 'array', items: str },
      teamId: nullableStr,
      locale: { enum: ['zh-CN', 'en'] },
      active: { type: 'boolean' },
      createdBy: str,
      createdAt: dateTime,
      updatedAt: dateTime,
    },
  });
  const WebhookDelivery = openapi.schema('WebhookDelivery', {
    type: 'object',
    properties: {
      id: str,
      webhookId: str,
      eventKind: str,
      status: { enum: ['pending', 'delivered', 'failed'] },
      attempts: { type: 'integer' },
      maxAttempts: { type: 'integer' },
      nextAttemptAt: { ...nullableStr, format: 'date-time' },
      lastStatus: { type: ['integer', 'null'] },
      lastError: nullableStr,
      createdAt: dateTime,
      deliveredAt: { ...nullableStr, format: 'date-time' },
      payload: {
        type: 'object',
        description: 'the message body as the platform receives it (before signing)',
      },
    },
  });
  const CommissionRule = openapi.schema('CommissionRule', {
    type: 'object',
    required: ['tiers'],
    description:
      'tiers on the collected amount; "marginal" applies each percent to the part inside its tier, "flat" the reached tier\'s percent to all. Numbers are decimal strings.',
    properties: {
      method: { enum: ['marginal', 'flat'], default: 'marginal' },
      tiers: {
        type: 'array',
        minItems: 1,
        maxItems: 20,
        items: {
          type: 'object',
          required: ['from', 'percent'],
          properties: {
            from: { type: 'string', examples: ['0', '50000'] },
            percent: { type: 'string', examples: ['2.5'] },
          },
        },
      },
      minAttainment: {
        type: 'string',
        description: 'no commission below this collected/target ratio, e.g. "0.8"',
      },
      cap: { type: 'string', description: 'the most one collector earns in a month' },
    },
  });
  const CommissionResult = openapi.schema('CommissionResult', {
    type: 'object',
    properties: {
      amount: { type: 'string', description: 'rounded half-up to 2 places' },
      note: { enum: ['below_min_attainment', 'capped', null] },
      tiers: {
        type: 'array',
        items: {
          type: 'object',
          properties: { from: str, to: nullableStr, percent: str, base: str, amount: str },
        },
      },
    },
  });
  const Money = { type: 'object', properties: { amount: str, currency: str } };
  const MemberPerformance = openapi.schema('MemberPerformance', {
    type: 'object',
    properties: {
      userId: str,
      username: nullableStr,
      displayName: nullableStr,
      collected: {
        type: 'object',
        properties: { amount: str, currency: str, payments: { type: 'integer' } },
      },
      target: { ...Money, type: ['object', 'null'] },
      attainment: { ...nullableStr, description: 'collected / target, 4 places' },
      promises: {
        type: 'object',
        properties: {
          due: { type: 'integer' },
          kept: { type: 'integer' },
          broken: { type: 'integer' },
          pending: { type: 'integer' },
          cancelled: { type: 'integer' },
          keptRate: nullableStr,
        },
      },
      contacts: {
        type: 'object',
        properties: { attempts: { type: 'integer' }, rightParty: { type: 'integer' } },
      },
      rank: { type: ['integer', 'null'] },
      commission: { oneOf: [{ type: 'null' }, CommissionResult] },
    },
  });
  const Target = openapi.schema('Target', {
    type: 'object',
    properties: {
      period: { type: 'string', pattern: '^\\d{4}-\\d{2}$' },
      scope: { enum: ['user', 'team'] },
      subjectId: str,
      currency: str,
      amount: str,
      updatedBy: str,
      updatedAt: dateTime,
    },
  });
  const TimelineItem = openapi.schema('TimelineItem', {
    type: 'object',
    required: ['id', 'kind', 'at'],
    properties: {
      id: str,
      kind: { enum: ['comment', 'record', 'process', 'attachment'] },
      at: dateTime,
      actor: { type: ['object', 'null'], properties: { id: str, displayName: nullableStr } },
      comment: Comment,
      change: {
        type: 'object',
        properties: {
          action: str,
          formVersion: { type: 'integer' },
          version: { type: 'integer' },
          changedFields: { type: 'array', items: str },
        },
      },
      process: {
        type: 'object',
        properties: {
          instanceId: str,
          processKey: str,
          event: str,
          elementId: nullableStr,
          elementType: nullableStr,
          name: nullableStr,
        },
      },
      attachment: Attachment,
    },
  });
  const page = (items: unknown, extra: Record<string, unknown> = {}) => ({
    type: 'object',
    properties: { items: { type: 'array', items }, nextCursor: nullableStr, ...extra },
  });
  return {
    Attachment,
    Comment,
    CommentInput,
    CommentSaved,
    Notification,
    Webhook,
    WebhookDelivery,
    CommissionRule,
    CommissionResult,
    MemberPerformance,
    Target,
    TimelineItem,
    page,
  };
}

export type CollabSchemas = ReturnType<typeof collabSchemas>;

/** Parameters the collaboration routes share. */
export const idPath = (name = 'id', description = 'id (UUID)') => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
export const query = (
  name: string,
  description: string,
  schema: Record<string, unknown> = { type: 'string' },
) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
export const pageQuery = [
  query('limit', '1 to 200, default 50', { type: 'integer', minimum: 1, maximum: 200 }),
  query('cursor', 'nextCursor of the previous page'),
];
