import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eicarTestScanner, eicarTestString } from '@collectflow/server';
import type { Store } from '@collectflow/store';
import { rawSelect, testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsers, expectProblem, FakeClock, publishCaseForm, type TestUser } from './collab.support.js';
import { type Body, json } from './support/registry-fixtures.js';
import { type RunningTestApp, startTestApp } from './support/test-app.js';

const MAX = 64 * 1024;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(32, 1),
]);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);

describe.each(testBackends().map((b) => [b.name, b] as const))('attachments on %s', (_n, backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let app: RunningTestApp;
  let u: Record<string, TestUser>;
  let caseId: string;
  let pdfId: string;
  const clock = new FakeClock(new Date());

  const upload = (path: string, fileName: string | null, bytes: Buffer, type: string, as: TestUser['as']) =>
    app.request(`${path}${fileName === null ? '' : `?fileName=${encodeURIComponent(fileName)}`}`, {
      method: 'POST',
      headers: { 'content-type': type },
      body: new Uint8Array(bytes),
      as,
    });

  beforeAll(async () => {
    ({ store, cleanup } = await backend.open());
    u = await createUsers(store, [
      { username: 'li.a', role: 'liaison', teamId: 'team-a' },
      { username: 'zhao.b', role: 'liaison', teamId: 'team-b' },
      { username: 'boss.a', role: 'manager', teamId: 'team-a' },
    ]);
    app = await startTestApp(store, {
      collaboration: { clock, attachments: { maxBytes: MAX, scanner: eicarTestScanner } },
    });
    await publishCaseForm(app);
    const created = await app.request('/api/forms/debt-case/records', {
      method: 'POST',
      json: { data: { caseNumber: 'DC-2026-000042' } },
      as: u['li.a']!.as,
    });
    caseId = (await json(created)).id;
  });
  afterAll(async () => {
    await app?.close();
    await cleanup();
  });

  it('a PDF is stored, listed, downloaded by the team and audited on every download', async () => {
    const res = await upload(
      `/api/records/${caseId}/attachments`,
      '催收函 2026.pdf',
      PDF,
      'application/pdf',
      u['li.a']!.as,
    );
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(201);
    pdfId = body.id;
    expect(body).toMatchObject({
      subject: { type: 'record', id: caseId },
      fileName: '催收函 2026.pdf',
      contentType: 'application/pdf',
      sizeBytes: PDF.length,
      sha256: createHash('sha256').update(PDF).digest('hex'),
      previewable: true,
      downloadUrl: `/api/attachments/${pdfId}/content`,
    });
    const list = await json(await app.request(`/api/records/${caseId}/attachments`, { as: u['boss.a']!.as }));
    expect(list.items.map((a: Body) => a.id)).toEqual([pdfId]);

    const download = await app.request(`/api/attachments/${pdfId}/content`, { as: u['li.a']!.as });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(PDF);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="___ 2026.pdf"; filename*=UTF-8''${encodeURIComponent('催收函 2026.pdf')}`,
    );
    const preview = await app.request(`/api/attachments/${pdfId}/content?inline=1`, { as: u['boss.a']!.as });
    expect(preview.headers.get('content-disposition')).toMatch(/^inline; /);
    await preview.arrayBuffer();

    const downloads = await store.transaction((tx) =>
      tx.audit.list({ limit: 10, action: 'attachment.downloaded', subjectId: pdfId }),
    );
    expect(downloads.map((d) => [d.actor, d.detail.inline])).toEqual([
      [u['boss.a']!.id, true],
      [u['li.a']!.id, false],
    ]);
  });

  it("another team's record's attachment is not found, and the refusal downloads nothing", async () => {
    const as = u['zhao.b']!.as;
    await expectProblem(
      await app.request(`/api/attachments/${pdfId}/content`, { as }),
      404,
      'attachments.not_found',
    );
    await expectProblem(await app.request(`/api/attachments/${pdfId}`, { as }), 404, 'attachments.not_found');
    await expectProblem(
      await app.request(`/api/records/${caseId}/attachments`, { as }),
      404,
      'records.not_found',
    );
    await expectProblem(
      await upload(`/api/records/${caseId}/attachments`, 'x.pdf', PDF, 'application/pdf', as),
      404,
      'records.not_found',
    );
    const downloads = await store.transaction((tx) =>
      tx.audit.list({ limit: 10, action: 'attachment.downloaded', subjectId: pdfId }),
    );
    expect(downloads.map((d) => d.actor)).not.toContain(u['zhao.b']!.id);
  });

  it('files are checked: size limit, what the bytes are, the extension, the declared type, and the virus scanner', async () => {
    const as = u['li.a']!.as;
    const path = `/api/records/${caseId}/attachments`;
    await expectProblem(
      await upload(path, 'big.pdf', Buffer.concat([PDF, Buffer.alloc(MAX)]), 'application/pdf', as),
      413,
      'attachments.too_large',
    );
    await expectProblem(
      await upload(path, 'empty.pdf', Buffer.alloc(0), 'application/pdf', as),
      422,
      'attachments.empty',
    );
    const exe = await expectProblem(
      await upload(path, 'invoice.pdf', EXE, 'application/pdf', as),
      422,
      'attachments.content_mismatch',
    );
    expect((exe as Body).detail).toContain('executable');
    await expectProblem(
      await upload(path, 'scan.png', PDF, 'image/png', as),
      422,
      'attachments.content_mismatch',
      '/fileName',
    );
    await expectProblem(
      await upload(path, 'scan.pdf', PDF, 'image/png', as),
      422,
      'attachments.content_mismatch',
    );
    await expectProblem(
      await upload(path, 'bundle.zip', Buffer.from('PK\u0003\u0004rest-of-zip'), 'application/zip', as),
      422,
      'attachments.type_not_allowed',
    );
    await expectProblem(
      await upload(path, null, PDF, 'application/pdf', as),
      422,
      'attachments.invalid_file_name',
      '/fileName',
    );
    await expectProblem(
      await upload(path, '../../etc/passwd.pdf', PDF, 'application/pdf', as),
      422,
      'attachments.invalid_file_name',
      '/fileName',
    );
    await expectProblem(
      await upload(
        path,
        'notes.txt',
        Buffer.from(`call back tomorrow ${eicarTestString()}`),
        'text/plain',
        as,
      ),
      422,
      'attachments.infected',
    );
    const rejected = await store.transaction((tx) =>
      tx.audit.list({ limit: 5, action: 'attachment.rejected' }),
    );
    expect(rejected[0]?.detail).toMatchObject({
      reason: 'infected',
      threat: 'EICAR-Test-File',
      fileName: 'notes.txt',
    });
    const stored = await rawSelect<{ n: number }>(store, 'select count(*)::int as n from attachments');
    expect(stored[0]!.n).toBe(1);
  });

  it("files on a comment follow the comment's case; only the uploader deletes", async () => {
    const comment = await json(
      await app.request(`/api/records/${caseId}/comments`, {
        method: 'POST',
        as: u['li.a']!.as,
        json: { body: '照片见附件' },
      }),
    );
    const commentId = comment.comment.id;
    await expectProblem(
      await upload(`/api/comments/${commentId}/attachments`, 'photo.png', PNG, 'image/png', u['boss.a']!.as),
      403,
      'comments.not_author',
    );
    const res = await upload(
      `/api/comments/${commentId}/attachments`,
      'photo.png',
      PNG,
      'image/png',
      u['li.a']!.as,
    );
    const photo = await json(res);
    expect(res.status, JSON.stringify(photo)).toBe(201);
    const shown = await json(await app.request(`/api/comments/${commentId}`, { as: u['boss.a']!.as }));
    expect(shown.attachments.map((a: Body) => a.id)).toEqual([photo.id]);
    expect((await app.request(photo.downloadUrl, { as: u['boss.a']!.as })).status).toBe(200);
    await expectProblem(
      await app.request(photo.downloadUrl, { as: u['zhao.b']!.as }),
      404,
      'attachments.not_found',
    );

    const timeline = await json(await app.request(`/api/records/${caseId}/timeline`, { as: u['li.a']!.as }));
    expect(
      timeline.items.filter((i: Body) => i.kind === 'attachment').map((i: Body) => i.attachment.id),
    ).toEqual([pdfId]);

    await expectProblem(
      await app.request(`/api/attachments/${pdfId}`, { method: 'DELETE', as: u['boss.a']!.as }),
      403,
      'attachments.not_uploader',
    );
    expect(
      (await app.request(`/api/attachments/${pdfId}`, { method: 'DELETE', as: u['li.a']!.as })).status,
    ).toBe(204);
    await expectProblem(
      await app.request(`/api/attachments/${pdfId}/content`, { as: u['li.a']!.as }),
      404,
      'attachments.not_found',
    );
  });

  it('with a directory configured, the bytes live in files and still download through the same checks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'collectflow-attachments-'));
    const other = await startTestApp(store, { collaboration: { clock, attachments: { directory: dir } } });
    try {
      const res = await other.request(`/api/records/${caseId}/attachments?fileName=plan.pdf`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: new Uint8Array(PDF),
        as: u['li.a']!.as,
      });
      const stored = await json(res);
      expect(res.status, JSON.stringify(stored)).toBe(201);
      const file = join(dir, stored.id.slice(-2), stored.id);
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file)).toEqual(PDF);
      const inDb = await rawSelect(store, 'select 1 from attachment_contents where attachment_id = ?', [
        stored.id,
      ]);
      expect(inDb).toEqual([]);
      const download = await other.request(stored.downloadUrl, { as: u['boss.a']!.as });
      expect(Buffer.from(await download.arrayBuffer())).toEqual(PDF);
      await expectProblem(
        await other.request(stored.downloadUrl, { as: u['zhao.b']!.as }),
        404,
        'attachments.not_found',
      );
    } finally {
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
