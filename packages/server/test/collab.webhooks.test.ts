import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store } from '@collectflow/store';
import { testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsers, expectProblem, FakeClock, publishCaseForm, type TestUser } from './collab.support.js';
import { type Body, json } from './support/registry-fixtures.js';
import { type RunningTestApp, startTestApp } from './support/test-app.js';

interface Received {
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A chat platform stand-in: records every request; /fail/* answers 500, the rest what the robots answer. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://receiver');
      received.push({
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if (url.pathname.startsWith('/fail')) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
        return;
      }
      const answer = url.pathname.includes('feishu')
        ? { code: 0, msg: 'success' }
        : { errcode: 0, errmsg: 'ok' };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const SECRET = 'SEC-0123456789abcdef';
const hmac = (key: string, message: string) => createHmac('sha256', key).update(message);

describe.each(testBackends().map((b) => [b.name, b] as const))('outgoing webhooks on %s', (_n, backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let app: RunningTestApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let u: Record<string, TestUser>;
  const clock = new FakeClock(new Date());
  const hooks: Record<string, string> = {};

  beforeAll(async () => {
    ({ store, cleanup } = await backend.open());
    receiver = await startReceiver();
    u = await createUsers(store, [
      { username: 'li.a', role: 'liaison', teamId: 'team-a' },
      { username: 'legal.1', role: 'legal', teamId: 'team-legal' },
    ]);
    app = await startTestApp(store, {
      collaboration: {
        clock,
        publicUrl: 'https://collect.example.com',
        webhooks: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000 },
      },
    });
    await publishCaseForm(app);
    for (const platform of ['generic', 'wecom', 'dingtalk', 'feishu', 'slack', 'teams']) {
      const res = await app.request('/api/webhooks', {
        method: 'POST',
        json: {
          name: `${platform} robot`,
          platform,
          url: `${receiver.url}/${platform}/hook?key=robot-key`,
          secret: SECRET,
          events: ['mention'],
          locale: platform === 'slack' || platform === 'teams' ? 'en' : 'zh-CN',
        },
      });
      const body = await json(res);
      expect(res.status, JSON.stringify(body)).toBe(201);
      expect(body).not.toHaveProperty('secret');
      expect(body).not.toHaveProperty('url');
      expect(body).toMatchObject({ hasSecret: true, urlPreview: `${receiver.url}/…-key` });
      hooks[platform] = body.id;
    }
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await cleanup();
  });

  it('a mention reaches every platform in its own format, signed the way each one checks', async () => {
    const created = await app.request('/api/forms/debt-case/records', {
      method: 'POST',
      json: { data: { caseNumber: 'DC-2026-000777' } },
      as: u['li.a']!.as,
    });
    const caseId = (await json(created)).id;
    const comment = await app.request(`/api/records/${caseId}/comments`, {
      method: 'POST',
      as: u['li.a']!.as,
      json: { body: '@legal.1 please review the evidence', mentions: [] },
    });
    expect(comment.status).toBe(201);

    const result = await app.collaboration.dispatcher.dispatchDue();
    expect(result).toEqual({ delivered: 6, retrying: 0, failed: 0 });
    const by = (platform: string) => {
      const found = receiver.received.filter((r) => r.path === `/${platform}/hook`);
      expect(found).toHaveLength(1);
      return found[0]!;
    };
    const link = `https://collect.example.com/cases/${caseId}`;

    // Our own signature on every request: HMAC-SHA256 of "<timestamp>.<body>".
    for (const platform of Object.keys(hooks)) {
      const r = by(platform);
      const ts = r.headers['x-collectflow-timestamp'] as string;
      expect(ts).toBe(String(Math.floor(clock.now().getTime() / 1000)));
      expect(r.headers['x-collectflow-signature']).toBe(
        `sha256=${hmac(SECRET, `${ts}.${r.body}`).digest('hex')}`,
      );
      expect(r.headers['x-collectflow-event']).toBe('mention');
      expect(r.query.get('key')).toBe('robot-key');
    }

    const generic = JSON.parse(by('generic').body);
    expect(generic).toMatchObject({ event: 'mention', link, text: '@legal.1 please review the evidence' });

    const wecom = JSON.parse(by('wecom').body);
    expect(wecom.msgtype).toBe('markdown');
    expect(wecom.markdown.content).toContain('**li.a 在“DC-2026-000777”中提到了你**');
    expect(wecom.markdown.content).toContain(`(${link})`);

    // DingTalk: timestamp (ms) and sign in the query; sign = base64 HMAC-SHA256("<ts>\n<secret>") keyed with the secret.
    const ding = by('dingtalk');
    const dingTs = ding.query.get('timestamp')!;
    expect(dingTs).toBe(String(clock.now().getTime()));
    expect(ding.query.get('sign')).toBe(hmac(SECRET, `${dingTs}\n${SECRET}`).digest('base64'));
    expect(JSON.parse(ding.body)).toMatchObject({
      msgtype: 'markdown',
      markdown: { title: expect.any(String) },
    });

    // Feishu: timestamp (s) and sign in the body; sign = base64 HMAC-SHA256 keyed with "<ts>\n<secret>" over "".
    const feishu = JSON.parse(by('feishu').body);
    expect(feishu.timestamp).toBe(String(Math.floor(clock.now().getTime() / 1000)));
    expect(feishu.sign).toBe(hmac(`${feishu.timestamp}\n${SECRET}`, '').digest('base64'));
    expect(feishu.msg_type).toBe('post');
    expect(feishu.content.post.zh_cn.content.flat()).toEqual(
      expect.arrayContaining([expect.objectContaining({ tag: 'a', href: link })]),
    );

    const slack = JSON.parse(by('slack').body);
    expect(slack.text).toBe('li.a mentioned you on DC-2026-000777');
    expect(slack.blocks[1].elements[0].text).toBe(`<${link}|Open in collectflow>`);

    const teams = JSON.parse(by('teams').body);
    expect(teams.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(teams.attachments[0].content.actions[0]).toEqual({
      type: 'Action.OpenUrl',
      title: 'Open in collectflow',
      url: link,
    });

    const deliveries = await json(await app.request(`/api/webhooks/${hooks.dingtalk}/deliveries`));
    expect(deliveries.items).toEqual([
      expect.objectContaining({ status: 'delivered', attempts: 1, lastStatus: 200, nextAttemptAt: null }),
    ]);
  });

  it('a receiver answering 500 is retried with exponential backoff, then the delivery fails', async () => {
    const created = await app.request('/api/webhooks', {
      method: 'POST',
      json: { name: 'broken', platform: 'generic', url: `${receiver.url}/fail/hook`, events: ['incident'] },
    });
    const hookId = (await json(created)).id;
    const event = {
      kind: 'incident' as const,
      key: 'incident:test-1',
      recipients: [],
      actorId: null,
      subject: { type: 'incident', id: 'test-1' },
      title: { 'zh-CN': '流程异常', en: 'Process incident' },
      at: clock.now(),
    };
    await store.transaction((tx) => app.collaboration.notifier.emit(tx, event));
    // The same event again (a second node, a re-run sweep) queues nothing new.
    await store.transaction((tx) => app.collaboration.notifier.emit(tx, event));

    const delivery = async (): Promise<Body> =>
      (await json(await app.request(`/api/webhooks/${hookId}/deliveries`))).items[0];
    const attempts = () => receiver.received.filter((r) => r.path === '/fail/hook').length;

    expect(await app.collaboration.dispatcher.dispatchDue()).toEqual({
      delivered: 0,
      retrying: 1,
      failed: 0,
    });
    let d = await delivery();
    expect(d).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 500 });
    expect(Date.parse(d.nextAttemptAt) - clock.now().getTime()).toBe(1_000);

    // Not due yet: nothing is sent.
    expect(await app.collaboration.dispatcher.dispatchDue()).toEqual({
      delivered: 0,
      retrying: 0,
      failed: 0,
    });
    expect(attempts()).toBe(1);

    clock.advance(1_000);
    expect((await app.collaboration.dispatcher.dispatchDue()).retrying).toBe(1);
    d = await delivery();
    expect(d.attempts).toBe(2);
    expect(Date.parse(d.nextAttemptAt) - clock.now().getTime()).toBe(2_000);

    clock.advance(2_000);
    expect(await app.collaboration.dispatcher.dispatchDue()).toEqual({
      delivered: 0,
      retrying: 0,
      failed: 1,
    });
    d = await delivery();
    expect(d).toMatchObject({ status: 'failed', attempts: 3, nextAttemptAt: null, lastStatus: 500 });
    expect(d.lastError).toContain('HTTP 500');
    expect(attempts()).toBe(3);

    clock.advance(3_600_000);
    expect(await app.collaboration.dispatcher.dispatchDue()).toEqual({
      delivered: 0,
      retrying: 0,
      failed: 0,
    });

    const retried = await app.request(`/api/webhooks/${hookId}/deliveries/${d.id}/retry`, { method: 'POST' });
    expect(await json(retried)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('an administrator edits a webhook, sends a test, switches it off (nothing more is sent) and removes its secret', async () => {
    const created = await json(
      await app.request('/api/webhooks', {
        method: 'POST',
        json: {
          name: 'east group',
          platform: 'wecom',
          url: `${receiver.url}/wecom/east?key=east-key`,
          secret: SECRET,
          events: ['mention', 'incident'],
        },
      }),
    );
    const id = created.id as string;
    const sentTo = () => receiver.received.filter((r) => r.path === '/wecom/east').length;

    // A partial change keeps what it leaves out: the address and the secret.
    const renamed = await app.request(`/api/webhooks/${id}`, {
      method: 'PATCH',
      json: { name: 'east escalations', events: ['task.escalated'] },
    });
    expect(await json(renamed)).toMatchObject({
      name: 'east escalations',
      events: ['task.escalated'],
      hasSecret: true,
      urlPreview: `${receiver.url}/…-key`,
      active: true,
    });

    // A test message is queued, sent by the next pass, signed, and listed as delivered.
    const queued = await app.request(`/api/webhooks/${id}/test`, { method: 'POST' });
    const test = await json(queued);
    expect(queued.status).toBe(202);
    expect(test).toMatchObject({ eventKind: 'test', status: 'pending', attempts: 0 });
    expect((await app.collaboration.dispatcher.dispatchDue()).delivered).toBe(1);
    expect(sentTo()).toBe(1);
    const sent = receiver.received.find((r) => r.path === '/wecom/east')!;
    expect(sent.headers['x-collectflow-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(JSON.parse(sent.body)).toMatchObject({ msgtype: 'markdown' });
    const listed = await json(await app.request(`/api/webhooks/${id}/deliveries`));
    expect(listed.items.map((d: Body) => [d.eventKind, d.status])).toEqual([['test', 'delivered']]);
    // Delivered already: sending it again is a conflict.
    await expectProblem(
      await app.request(`/api/webhooks/${id}/deliveries/${test.id}/retry`, { method: 'POST' }),
      409,
      'webhooks.already_delivered',
    );

    // Switched off: a queued message fails without a request, and says why.
    await app.request(`/api/webhooks/${id}`, { method: 'PATCH', json: { active: false } });
    await app.request(`/api/webhooks/${id}/test`, { method: 'POST' });
    expect((await app.collaboration.dispatcher.dispatchDue()).failed).toBe(1);
    expect(sentTo()).toBe(1);
    const latest = (await json(await app.request(`/api/webhooks/${id}/deliveries`))).items[0];
    expect(latest).toMatchObject({ status: 'failed', lastError: 'the webhook is inactive' });

    const cleared = await json(
      await app.request(`/api/webhooks/${id}`, { method: 'PATCH', json: { secret: null } }),
    );
    expect(cleared).toMatchObject({ hasSecret: false, active: false });
    const audit = await store.transaction((tx) => tx.audit.list({ limit: 10, subjectId: id }));
    expect(audit.map((a) => a.action)).toEqual([
      'webhook.updated',
      'webhook.tested',
      'webhook.updated',
      'webhook.tested',
      'webhook.updated',
      'webhook.created',
    ]);
  });

  it('bad changes and unknown webhooks are refused with problem+json', async () => {
    const id = hooks.slack!;
    const patch = (body: unknown, target = id) =>
      app.request(`/api/webhooks/${target}`, { method: 'PATCH', json: body });
    await expectProblem(await patch({}), 422, 'webhooks.invalid');
    await expectProblem(
      await patch({ url: 'https://bot:key@hooks.slack.com/services/T/B/X' }),
      422,
      'webhooks.invalid',
      '/url',
    );
    await expectProblem(await patch({ name: '   ' }), 422, 'webhooks.invalid', '/name');
    await expectProblem(await patch({ events: [] }), 422, 'webhooks.invalid', '/events');
    await expectProblem(await patch({ active: 'no' }), 422, 'webhooks.invalid', '/active');
    await expectProblem(await patch({ locale: 'fr' }), 422, 'webhooks.invalid', '/locale');
    const unknown = '00000000-0000-7000-8000-000000000000';
    await expectProblem(await patch({ name: 'x' }, unknown), 404, 'webhooks.not_found');
    await expectProblem(
      await app.request(`/api/webhooks/${unknown}/test`, { method: 'POST' }),
      404,
      'webhooks.not_found',
    );
    await expectProblem(await app.request(`/api/webhooks/${unknown}/deliveries`), 404, 'webhooks.not_found');
    await expectProblem(
      await app.request(`/api/webhooks/${id}/deliveries/${unknown}/retry`, { method: 'POST' }),
      404,
      'webhooks.delivery_not_found',
    );
    await expectProblem(
      await app.request(`/api/webhooks/${id}`, {
        method: 'PATCH',
        as: u['li.a']!.as,
        json: { active: false },
      }),
      403,
      'auth.forbidden',
    );
    // Nothing of that changed the webhook.
    expect(await json(await app.request(`/api/webhooks/${id}`))).toMatchObject({
      name: 'slack robot',
      active: true,
      events: ['mention'],
    });
  });

  it('bad webhook settings are refused with problem+json naming the field', async () => {
    const post = (body: unknown) => app.request('/api/webhooks', { method: 'POST', json: body });
    const valid = {
      name: 'x',
      platform: 'slack',
      url: 'https://hooks.slack.com/services/T/B/X',
      events: ['mention'],
    };
    await expectProblem(await post({ ...valid, platform: 'irc' }), 422, 'webhooks.invalid', '/platform');
    await expectProblem(await post({ ...valid, url: 'ftp://example.com' }), 422, 'webhooks.invalid', '/url');
    await expectProblem(await post({ ...valid, events: ['gossip'] }), 422, 'webhooks.invalid', '/events');
    await expectProblem(
      await post({ ...valid, teamId: 'no-such-team' }),
      422,
      'webhooks.unknown_team',
      '/teamId',
    );
    await expectProblem(
      await app.request('/api/webhooks', { method: 'GET', as: u['li.a']!.as }),
      403,
      'auth.forbidden',
    );
  });
});
