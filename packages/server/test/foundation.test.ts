import { createApp, createLogger, listen } from '@collectflow/server';
import { testBackends } from '@collectflow/store/testing';
import { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningTestApp, startTestApp } from './support/test-app.js';

describe.each(testBackends().map((b) => [b.name, b] as const))('server foundation on %s', (name, backend) => {
  let app: RunningTestApp;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const opened = await backend.open();
    cleanup = opened.cleanup;
    app = await startTestApp(opened.store, { bodyLimit: '10kb' });
  });
  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  it('GET /api/health names the backend, the migration version and the uptime, without login', async () => {
    const res = await app.request('/api/health', { as: 'none' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok', backend: name, pendingMigrations: 0, version: 'test' });
    expect(body.migrationVersion).toMatch(/^\d{8}_\d{4}_/);
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('GET /api/openapi.json serves an OpenAPI 3.1 document without login', async () => {
    const res = await app.request('/api/openapi.json', { as: 'none' });
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toMatch(/^3\.1/);
    expect(doc.paths['/api/health'].get.operationId).toBe('getHealth');
    expect(doc.components.schemas.Problem).toBeDefined();
  });

  it('an unknown API route is a problem+json 404 with a stable code', async () => {
    const res = await app.request('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({
      status: 404,
      code: 'route.not_found',
      instance: '/api/nothing-here',
    });
  });

  it('malformed JSON is a 400 problem, not a stack trace', async () => {
    const res = await app.request('/api/health', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"broken": ',
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.code).toBe('request.invalid_json');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.js:\d+/);
  });

  it('a body over the size limit is a 413 problem', async () => {
    const res = await app.request('/api/health', { method: 'POST', json: { blob: 'x'.repeat(20_000) } });
    expect(res.status).toBe(413);
    expect((await res.json()).code).toBe('request.too_large');
  });

  it('an id given in x-request-id is echoed back for tracing', async () => {
    const res = await app.request('/api/health', { headers: { 'x-request-id': 'trace-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-123');
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight request finish, refuses new connections, then resolves', async () => {
    const [backend] = testBackends();
    const { store, cleanup } = await backend!.open();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const slow = Router().get('/test/slow', async (_req, res) => {
      entered();
      await gate;
      res.json({ finished: true });
    });
    const { app } = createApp({
      store,
      logger: createLogger({ level: 'silent' }),
      version: 'test',
      extraRouters: [slow],
    });
    const running = await listen(app, 0, '127.0.0.1');
    const url = `http://127.0.0.1:${running.port}`;
    const inFlight = fetch(`${url}/test/slow`).then((r) => r.json());
    await inside;
    let closed = false;
    const closing = running.close(30_000).then(() => {
      closed = true;
    });
    // New connections are refused while the slow request is still running.
    await expect(fetch(`${url}/api/health`)).rejects.toThrow();
    expect(closed).toBe(false);
    release();
    expect(await inFlight).toEqual({ finished: true });
    await closing;
    expect(closed).toBe(true);
    await cleanup();
  });
});
