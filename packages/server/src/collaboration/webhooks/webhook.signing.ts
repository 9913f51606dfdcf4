import { createHmac } from 'node:crypto';
import type { WebhookPlatform } from '@collectflow/store';

/** Headers of our own signature, sent to every platform when the webhook has a secret. */
export const SIGNATURE_HEADER = 'x-collectflow-signature';
export const TIMESTAMP_HEADER = 'x-collectflow-timestamp';
export const EVENT_HEADER = 'x-collectflow-event';
export const DELIVERY_HEADER = 'x-collectflow-delivery';

/**
 * `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the webhook's secret; the timestamp
 * (Unix seconds, also sent in x-collectflow-timestamp) lets a receiver refuse replays.
 */
export function collectflowSignature(secret: string, timestampSeconds: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

/**
 * DingTalk robot "加签": base64 HMAC-SHA256 of "<timestamp ms>\n<secret>" keyed with the secret,
 * sent as the `timestamp` and `sign` query parameters.
 */
export function dingtalkSignature(secret: string, timestampMs: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

/**
 * Feishu/Lark custom bot "签名校验": base64 HMAC-SHA256 keyed with "<timestamp s>\n<secret>" over
 * an empty message, sent in the body as `timestamp` and `sign`.
 */
export function feishuSignature(secret: string, timestampSeconds: string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

export interface SignedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The HTTP request of one delivery attempt at `now`, with every signature the platform takes. */
export function signedRequest(
  webhook: { platform: WebhookPlatform; url: string; secret: string | null },
  delivery: { id: string; eventKind: string; payload: Record<string, unknown> },
  now: Date,
): SignedRequest {
  const seconds = String(Math.floor(now.getTime() / 1000));
  let url = webhook.url;
  let payload = delivery.payload;
  if (webhook.secret && webhook.platform === 'dingtalk') {
    const ms = String(now.getTime());
    const target = new URL(url);
    target.searchParams.set('timestamp', ms);
    target.searchParams.set('sign', dingtalkSignature(webhook.secret, ms));
    url = target.toString();
  }
  if (webhook.secret && webhook.platform === 'feishu') {
    payload = { timestamp: seconds, sign: feishuSignature(webhook.secret, seconds), ...payload };
  }
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'collectflow-webhooks/1',
    [EVENT_HEADER]: delivery.eventKind,
    [DELIVERY_HEADER]: delivery.id,
  };
  if (webhook.secret) {
    headers[TIMESTAMP_HEADER] = seconds;
    headers[SIGNATURE_HEADER] = collectflowSignature(webhook.secret, seconds, body);
  }
  return { url, headers, body };
}
