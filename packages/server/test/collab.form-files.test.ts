import type { Store } from '@collectflow/store';
import { testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsers, expectProblem, FakeClock, type TestUser } from './collab.support.js';
import { type Body, formWith, json, publishForm } from './support/registry-fixtures.js';
import { type RunningTestApp, startTestApp } from './support/test-app.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(32, 1),
]);

/** A file field as the designer makes it (designer.fields.ts), inside a section too. */
const fileField = {
  type: 'array',
  maxItems: 10,
  'x-field': 'file',
  items: {
    type: 'object',
    required: ['id', 'name', 'size', 'contentType'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', format: 'uuid' },
      name: { type: 'string', minLength: 1, maxLength: 255 },
      size: { type: 'integer', minimum: 0 },
      contentType: { type: 'string', minLength: 1, maxLength: 255 },
    },
  },
};

const ref = (a: Body) => ({ id: a.id, name: a.fileName, size: a.sizeBytes, contentType: a.contentType });

describe.each(testBackends().map((b) => [b.name, b] as const))(
  'file fields of forms on %s',
  (_n, backend) => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let app: RunningTestApp;
    let u: Record<string, TestUser>;
    const clock = new FakeClock(new Date());

    const stage = (
      as: TestUser['as'],
      fileName: string,
      bytes: Buffer,
      type: string,
      form = 'visit-photos',
    ) =>
      app.request(`/api/forms/${form}/uploads?fileName=${encodeURIComponent(fileName)}`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: new Uint8Array(bytes),
        as,
      });

    beforeAll(async () => {
      ({ store, cleanup } = await backend.open());
      u = await createUsers(store, [
        { username: 'li.a', role: 'liaison', teamId: 'team-a' },
        { username: 'boss.a', role: 'manager', teamId: 'team-a' },
        { username: 'zhao.b', role: 'liaison', teamId: 'team-b' },
        { username: 'de.sign', role: 'designer', teamId: 'team-a' },
      ]);
      app = await startTestApp(store, { collaboration: { clock } });
      await publishForm(
        app,
        formWith('visit-photos', {
          type: 'object',
          required: ['photos'],
          properties: {
            photos: fileField,
            household: { type: 'object', properties: { papers: fileField } },
          },
        }),
      );
    });
    afterAll(async () => {
      await app?.close();
      await cleanup();
    });

    it('a file chosen before the record exists is its uploader’s alone, then the saved record’s, downloaded by its team', async () => {
      const staged = await json(await stage(u['li.a']!.as, '走访照片.png', PNG, 'image/png'));
      expect(staged.subject.type).toBe('upload');
      expect(staged).toMatchObject({
        fileName: '走访照片.png',
        contentType: 'image/png',
        sizeBytes: PNG.length,
      });
      // Nobody else sees a pending upload, not even the uploader's own team.
      await expectProblem(
        await app.request(`/api/attachments/${staged.id}/content`, { as: u['boss.a']!.as }),
        404,
        'attachments.not_found',
      );
      const own = await app.request(`/api/attachments/${staged.id}`, { as: u['li.a']!.as });
      expect(own.status).toBe(200);

      // The client's name and size are not trusted: the stored ones are written into the record.
      const created = await app.request('/api/forms/visit-photos/records', {
        method: 'POST',
        json: { data: { photos: [{ ...ref(staged), name: 'other.exe', size: 1 }] } },
        as: u['li.a']!.as,
      });
      const record = await json(created);
      expect(created.status, JSON.stringify(record)).toBe(201);
      expect(record.data.photos).toEqual([ref(staged)]);

      const attachment = await json(
        await app.request(`/api/attachments/${staged.id}`, { as: u['boss.a']!.as }),
      );
      expect(attachment.subject).toEqual({ type: 'record', id: record.id });
      const listed = await json(
        await app.request(`/api/records/${record.id}/attachments`, { as: u['boss.a']!.as }),
      );
      expect(listed.items.map((a: Body) => a.id)).toEqual([staged.id]);
      const download = await app.request(`/api/attachments/${staged.id}/content`, { as: u['boss.a']!.as });
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer())).toEqual(PNG);
      await expectProblem(
        await app.request(`/api/attachments/${staged.id}/content`, { as: u['zhao.b']!.as }),
        404,
        'attachments.not_found',
      );
    });

    it('an edit keeps the record’s files and takes new ones, in sections too', async () => {
      const first = await json(await stage(u['li.a']!.as, 'a.pdf', PDF, 'application/pdf'));
      const record = await json(
        await app.request('/api/forms/visit-photos/records', {
          method: 'POST',
          json: { data: { photos: [ref(first)] } },
          as: u['li.a']!.as,
        }),
      );
      const second = await json(await stage(u['boss.a']!.as, 'b.pdf', PDF, 'application/pdf'));
      const updated = await app.request(`/api/records/${record.id}`, {
        method: 'PUT',
        json: {
          version: record.version,
          data: { photos: [ref(first)], household: { papers: [ref(second)] } },
        },
        as: u['boss.a']!.as,
      });
      const body = await json(updated);
      expect(updated.status, JSON.stringify(body)).toBe(200);
      expect(body.data.household.papers).toEqual([ref(second)]);
      const listed = await json(
        await app.request(`/api/records/${record.id}/attachments`, { as: u['li.a']!.as }),
      );
      expect(listed.items.map((a: Body) => a.id).sort()).toEqual([first.id, second.id].sort());
    });

    it('a record cannot name someone else’s upload, another record’s file or an unknown id', async () => {
      const theirs = await json(await stage(u['zhao.b']!.as, 'theirs.pdf', PDF, 'application/pdf'));
      for (const photo of [
        ref(theirs),
        {
          id: '0190a3b2-1c2d-7e3f-8a9b-0c1d2e3f4a5b',
          name: 'x.pdf',
          size: 1,
          contentType: 'application/pdf',
        },
      ]) {
        await expectProblem(
          await app.request('/api/forms/visit-photos/records', {
            method: 'POST',
            json: { data: { photos: [photo] } },
            as: u['li.a']!.as,
          }),
          422,
          'records.invalid',
          '/photos/0/id',
        );
      }
      // Still pending, still only theirs.
      const still = await json(await app.request(`/api/attachments/${theirs.id}`, { as: u['zhao.b']!.as }));
      expect(still.subject.type).toBe('upload');

      // A file already on one record cannot be copied into another.
      const mine = await json(await stage(u['li.a']!.as, 'mine.pdf', PDF, 'application/pdf'));
      await app.request('/api/forms/visit-photos/records', {
        method: 'POST',
        json: { data: { photos: [ref(mine)] } },
        as: u['li.a']!.as,
      });
      await expectProblem(
        await app.request('/api/forms/visit-photos/records', {
          method: 'POST',
          json: { data: { photos: [ref(mine)] } },
          as: u['li.a']!.as,
        }),
        422,
        'records.invalid',
        '/photos/0/id',
      );
    });

    it('uploading for a form needs the right to create or edit its records, and a checked file', async () => {
      await expectProblem(
        await stage(u['de.sign']!.as, 'a.pdf', PDF, 'application/pdf'),
        403,
        'auth.forbidden',
      );
      await expectProblem(
        await stage(u['li.a']!.as, 'photo.pdf', PNG, 'application/pdf'),
        422,
        'attachments.content_mismatch',
      );
    });
  },
);
