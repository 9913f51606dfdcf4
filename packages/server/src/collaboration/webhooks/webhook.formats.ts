import type { WebhookPlatform } from '@collectflow/store';

/** What a webhook says, before it is dressed in a platform's message format. */
export interface WebhookMessage {
  /** The delivery's own id (receivers deduplicate on it). */
  id: string;
  kind: string;
  title: string;
  text: string | null;
  /** Absolute when a public URL is configured, else the web app's path. */
  link: string | null;
  at: Date;
  subject: { type: string; id: string };
  data: Record<string, unknown>;
  locale: string;
}

export const WEBHOOK_PLATFORMS: readonly WebhookPlatform[] = [
  'generic',
  'wecom',
  'dingtalk',
  'feishu',
  'slack',
  'teams',
];

const MAX_TEXT = 1500;
const clip = (text: string, max = MAX_TEXT) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const openLabel = (locale: string) => (locale === 'en' ? 'Open in collectflow' : '在 collectflow 中查看');

/**
 * The request body for each platform (signatures are added when sending, they depend on the time):
 * WeCom and DingTalk group robots take markdown, Feishu a rich-text post, Slack blocks with
 * mrkdwn, Teams (Workflows webhooks) an Adaptive Card; `generic` is our own JSON event.
 */
export function formatMessage(platform: WebhookPlatform, m: WebhookMessage): Record<string, unknown> {
  const text = m.text ? clip(m.text) : null;
  switch (platform) {
    case 'generic':
      return {
        id: m.id,
        event: m.kind,
        at: m.at.toISOString(),
        title: m.title,
        text,
        link: m.link,
        subject: m.subject,
        data: m.data,
      };
    case 'wecom':
      return {
        msgtype: 'markdown',
        markdown: {
          content: [
            `**${m.title}**`,
            ...(text ? [`> ${text.replaceAll('\n', '\n> ')}`] : []),
            ...(m.link ? [`[${openLabel(m.locale)}](${m.link})`] : []),
          ].join('\n'),
        },
      };
    case 'dingtalk':
      return {
        msgtype: 'markdown',
        markdown: {
          title: clip(m.title, 100),
          text: [
            `#### ${m.title}`,
            ...(text ? [`> ${text.replaceAll('\n', '\n> ')}`] : []),
            ...(m.link ? [`[${openLabel(m.locale)}](${m.link})`] : []),
          ].join('\n\n'),
        },
      };
    case 'feishu':
      return {
        msg_type: 'post',
        content: {
          post: {
            [m.locale === 'en' ? 'en_us' : 'zh_cn']: {
              title: m.title,
              content: [
                ...(text ? [[{ tag: 'text', text }]] : []),
                ...(m.link ? [[{ tag: 'a', text: openLabel(m.locale), href: m.link }]] : []),
              ],
            },
          },
        },
      };
    case 'slack': {
      const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
      const body = [`*${esc(m.title)}*`, ...(text ? [esc(text)] : [])].join('\n');
      return {
        text: m.title,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: body } },
          ...(m.link
            ? [
                {
                  type: 'context',
                  elements: [{ type: 'mrkdwn', text: `<${m.link}|${esc(openLabel(m.locale))}>` }],
                },
              ]
            : []),
        ],
      };
    }
    case 'teams':
      return {
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            contentUrl: null,
            content: {
              $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
              type: 'AdaptiveCard',
              version: '1.4',
              body: [
                { type: 'TextBlock', text: m.title, weight: 'Bolder', size: 'Medium', wrap: true },
                ...(text ? [{ type: 'TextBlock', text, wrap: true }] : []),
              ],
              ...(m.link
                ? { actions: [{ type: 'Action.OpenUrl', title: openLabel(m.locale), url: m.link }] }
                : {}),
            },
          },
        ],
      };
  }
}
