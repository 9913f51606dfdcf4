import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawSelect, testBackends } from '@collectflow/store/testing';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debtorForm, formWith, json, publishForm } from './support/registry-fixtures.js';
import { type RunningTestApp, startTestApp } from './support/test-app.js';

describe.each(testBackends().map((b) => [b.name, b] as const))(
  'form registry API on %s',
  (_name, backend) => {
    let app: RunningTestApp;
    let cleanup: () => Promise<void>;
    let store: Parameters<typeof startTestApp>[0];

    beforeAll(async () => {
      const opened = await backend.open();
      store = opened.store;
      cleanup = opened.cleanup;
      app = await startTestApp(store);
    });
    afterAll(async () => {
      await app.close();
      await cleanup();
    });

    const formCount = async () =>
      (await rawSelect<{ n: number }>(store, 'select count(*) as n from forms'))[0]!.n;

    describe('creating and publishing', () => {
      it('a designer creates the debtor form, publishes it, and anyone who fills forms reads version 1', async () => {
        const created = await app.request('/api/forms', { method: 'POST', json: debtorForm() });
        expect(created.status).toBe(201);
        expect(created.headers.get('location')).toBe('/api/forms/debtor');
        const body = await json(created);
        expect(body.form).toMatchObject({ key: 'debtor', latestVersion: null, draftRevision: 1 });
        expect(body.draft.schema.properties.caseNo).toBeDefined();
        expect(body.problems.every((p: { severity: string }) => p.severity === 'warning')).toBe(true);

        const published = await app.request('/api/forms/debtor/publish', { method: 'POST', json: {} });
        expect(published.status).toBe(201);
        expect(await json(published)).toMatchObject({
          version: { key: 'debtor', version: 1 },
          compatibility: null,
        });

        const collector = { roles: ['liaison'], permissions: ['records.create' as const] };
        const latest = await app.request('/api/forms/debtor/versions/latest', { as: collector });
        expect(latest.status).toBe(200);
        expect((await json(latest)).metadata.computed[0].pointer).toBe('/balance');
        const pinned = await app.request('/api/forms/debtor/versions/1', { as: collector });
        expect(pinned.headers.get('cache-control')).toMatch(/immutable/);
        expect((await json(await app.request('/api/forms/debtor'))).latestVersion).toBe(1);

        const audit = await rawSelect<{ action: string }>(
          store,
          "select action from audit_log where subject_type = 'form' and subject_id = 'debtor' order by id",
        );
        expect(audit.map((a) => a.action)).toEqual(['form.created', 'form.published']);
      });

      it('only designers may create forms', async () => {
        const res = await app.request('/api/forms', {
          method: 'POST',
          json: formWith('sneaky', { type: 'object' }),
          as: { permissions: ['records.view', 'records.create'] },
        });
        expect(res.status).toBe(403);
        expect((await json(res)).code).toBe('auth.forbidden');
      });

      it('a key that exists already is a 409 and the first form is untouched', async () => {
        const res = await app.request('/api/forms', {
          method: 'POST',
          json: formWith('debtor', { type: 'object' }),
        });
        expect(res.status).toBe(409);
        expect((await json(res)).code).toBe('forms.exists');
        expect(
          (await json(await app.request('/api/forms/debtor/draft'))).schema.properties.caseNo,
        ).toBeDefined();
      });

      it('an additive change publishes with its report; a breaking one needs acceptBreaking', async () => {
        const form = debtorForm('case-note');
        await publishForm(app, form);
        const additive = structuredClone(form);
        (additive.schema.properties as Record<string, unknown>).channel = {
          type: 'string',
          enum: ['phone', 'sms'],
        };
        const saved = await app.request('/api/forms/case-note/draft', {
          method: 'PUT',
          json: { ...additive, revision: 1 },
        });
        expect(saved.status).toBe(200);
        expect((await json(saved)).draft.revision).toBe(2);
        const v2 = await json(
          await app.request('/api/forms/case-note/publish', { method: 'POST', json: {} }),
        );
        expect(v2.version.version).toBe(2);
        expect(v2.compatibility).toMatchObject({ compatible: true, breaking: [] });
        expect(v2.compatibility.additive.map((c: { pointer: string }) => c.pointer)).toContain('/channel');

        const breaking = structuredClone(additive);
        delete (breaking.schema.properties as Record<string, unknown>).employer;
        (breaking.schema.required as string[]).push('channel');
        await app.request('/api/forms/case-note/draft', { method: 'PUT', json: breaking });

        const preview = await json(await app.request('/api/forms/case-note/diff?from=latest&to=draft'));
        expect(preview).toMatchObject({ from: 2, to: 'draft', compatible: false });

        const refused = await app.request('/api/forms/case-note/publish', { method: 'POST', json: {} });
        expect(refused.status).toBe(409);
        const problem = await json(refused);
        expect(problem.code).toBe('forms.breaking_change');
        expect(problem.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
          '/channel',
          '/employer',
        ]);
        expect((await json(await app.request('/api/forms/case-note'))).latestVersion).toBe(2);

        const accepted = await app.request('/api/forms/case-note/publish', {
          method: 'POST',
          json: { acceptBreaking: true },
        });
        expect(accepted.status).toBe(201);
        expect(await json(accepted)).toMatchObject({ version: { version: 3, acceptedBreaking: true } });

        const again = await app.request('/api/forms/case-note/publish', { method: 'POST', json: {} });
        expect(again.status).toBe(409);
        expect((await json(again)).code).toBe('forms.nothing_to_publish');

        const diff = await json(await app.request('/api/forms/case-note/diff?from=1&to=3'));
        expect(diff.breaking.map((c: { code: string }) => c.code)).toEqual(
          expect.arrayContaining(['compat.field_removed']),
        );
        const versions = await json(await app.request('/api/forms/case-note/versions?limit=2'));
        expect(versions.items.map((v: { version: number }) => v.version)).toEqual([3, 2]);
        const older = await json(
          await app.request(`/api/forms/case-note/versions?limit=2&cursor=${versions.nextCursor}`),
        );
        expect(older).toMatchObject({ items: [{ version: 1 }], nextCursor: null });
      });

      it('saving a draft the caller did not see last is a 409, and publishing a draft revision that moved too', async () => {
        const form = formWith('revisioned', { type: 'object', properties: { a: { type: 'string' } } });
        await publishForm(app, form);
        const stale = await app.request('/api/forms/revisioned/draft', {
          method: 'PUT',
          json: { ...form, revision: 7 },
        });
        expect(stale.status).toBe(409);
        expect((await json(stale)).code).toBe('forms.draft_changed');
        const moved = await app.request('/api/forms/revisioned/publish', {
          method: 'POST',
          json: { draftRevision: 9 },
        });
        expect(moved.status).toBe(409);
      });

      it('a form may reference another published form version by collectflow:key@version', async () => {
        const schema = {
          type: 'object',
          required: ['home'],
          properties: {
            home: { $ref: 'collectflow:debtor@1#/properties/address' },
            note: { type: 'string' },
          },
        };
        await publishForm(app, formWith('visit', schema));
        const bad = await app.request('/api/forms/visit/versions/1/validate', {
          method: 'POST',
          json: { data: { home: { province: '上海' } } },
        });
        expect(await json(bad)).toMatchObject({
          valid: false,
          errors: [{ pointer: '/home/city', keyword: 'required' }],
        });
        const types = await app.request('/api/forms/visit/versions/1/types.ts');
        expect(await types.text()).toMatch(/export interface Visit/);

        const dangling = await app.request('/api/forms', {
          method: 'POST',
          json: formWith('dangling', { type: 'object', properties: { d: { $ref: 'collectflow:debtor@9' } } }),
        });
        expect(dangling.status).toBe(422);
        expect((await json(dangling)).errors).toEqual([
          expect.objectContaining({ pointer: '/schema/properties/d/$ref', code: 'schema.unresolved_ref' }),
        ]);
      });
    });

    describe('bad definitions: a 4xx problem with pointers, and nothing stored', () => {
      const refused = async (res: Response, status: number, code: string) => {
        expect(res.status).toBe(status);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        const body = await json(res);
        expect(body).toMatchObject({ status, code });
        return body;
      };

      it('malformed JSON is a 400', async () => {
        const before = await formCount();
        const res = await app.request('/api/forms', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"key": "broken", "schema": {',
        });
        await refused(res, 400, 'request.invalid_json');
        expect(await formCount()).toBe(before);
      });

      it('a body that is not JSON at all is a 415, one that is not an object a 422', async () => {
        await refused(
          await app.request('/api/forms', { method: 'POST', body: 'key=x' }),
          415,
          'request.unsupported_media_type',
        );
        await refused(
          await app.request('/api/forms', { method: 'POST', json: [1, 2] }),
          422,
          'request.invalid_body',
        );
      });

      it('a schema that is not an object', async () => {
        const before = await formCount();
        const body = await refused(
          await app.request('/api/forms', { method: 'POST', json: formWith('not-object', [] as never) }),
          422,
          'forms.invalid_definition',
        );
        expect(body.errors).toEqual([
          expect.objectContaining({ pointer: '/schema', code: 'schema.not_object' }),
        ]);
        expect(await formCount()).toBe(before);
      });

      it('a 10 MB schema is refused before it is parsed', async () => {
        const before = await formCount();
        const schema = { type: 'object', description: 'x'.repeat(10 * 1024 * 1024) };
        await refused(
          await app.request('/api/forms', { method: 'POST', json: formWith('huge', schema) }),
          413,
          'request.too_large',
        );
        expect(await formCount()).toBe(before);
      });

      it('a schema over the 512 KB cap but under the body limit is a 413 from the checks', async () => {
        const properties: Record<string, unknown> = {};
        for (let i = 0; i < 70; i++) properties[`f${i}`] = { type: 'string', description: 'y'.repeat(8000) };
        const body = await refused(
          await app.request('/api/forms', {
            method: 'POST',
            json: formWith('large', { type: 'object', properties }),
          }),
          413,
          'forms.too_large',
        );
        expect(body.errors[0]).toMatchObject({ pointer: '/schema', code: 'schema.too_large' });
      });

      it('a $ref cycle', async () => {
        const schema = {
          type: 'object',
          $defs: { a: { $ref: '#/$defs/b' }, b: { allOf: [{ $ref: '#/$defs/a' }] } },
          properties: { x: { $ref: '#/$defs/a' } },
        };
        const body = await refused(
          await app.request('/api/forms', { method: 'POST', json: formWith('cycle', schema) }),
          422,
          'forms.invalid_definition',
        );
        expect(body.errors).toEqual([
          expect.objectContaining({ code: 'schema.ref_cycle', pointer: '/schema/$defs/b/allOf/0/$ref' }),
        ]);
      });

      it('a pattern prone to catastrophic backtracking', async () => {
        const schema = { type: 'object', properties: { name: { type: 'string', pattern: '^(a+)+$' } } };
        const body = await refused(
          await app.request('/api/forms', { method: 'POST', json: formWith('redos', schema) }),
          422,
          'forms.invalid_definition',
        );
        expect(body.errors).toEqual([
          expect.objectContaining({
            pointer: '/schema/properties/name/pattern',
            code: 'schema.unsafe_pattern',
          }),
        ]);
      });

      it('strict-mode typos and unknown formats, in the caller’s language', async () => {
        const schema = {
          type: 'object',
          properties: {
            phone: { type: 'string', format: 'cn-mobil' },
            name: { type: 'string', maxLenght: 3 },
          },
        };
        const res = await app.request('/api/forms', {
          method: 'POST',
          json: formWith('typos', schema),
          headers: { 'accept-language': 'zh-CN,zh;q=0.9' },
        });
        const body = await refused(res, 422, 'forms.invalid_definition');
        expect(
          body.errors.map((e: { pointer: string; code: string }) => `${e.pointer} ${e.code}`).sort(),
        ).toEqual([
          '/schema/properties/name/maxLenght schema.strict',
          '/schema/properties/phone/format schema.unknown_format',
        ]);
        expect(body.errors.find((e: { code: string }) => e.code === 'schema.unknown_format').message).toBe(
          '未知的格式“cn-mobil”',
        );
        expect(body.detail).toMatch(/表单定义有 2 个问题/);
      });

      it('the designer can check a definition without saving it', async () => {
        const res = await app.request('/api/form-checks', {
          method: 'POST',
          json: formWith('draft-only', {
            type: 'object',
            properties: { n: { type: 'string', pattern: '(' } },
          }),
        });
        expect(res.status).toBe(200);
        const body = await json(res);
        expect(body.valid).toBe(false);
        expect(body.problems[0]).toMatchObject({
          pointer: '/schema/properties/n/pattern',
          code: 'schema.bad_pattern',
        });
        expect((await app.request('/api/forms/draft-only')).status).toBe(404);
      });

      it('unknown forms and versions are 404s with their own codes', async () => {
        await refused(await app.request('/api/forms/nope/versions/1'), 404, 'forms.not_found');
        await refused(await app.request('/api/forms/debtor/versions/99'), 404, 'forms.version_not_found');
        await refused(await app.request('/api/forms/debtor/versions/v1'), 422, 'request.bad_version');
      });
    });

    describe('generated TypeScript', () => {
      it('GET types.ts gives declarations that compile with tsc and type the data', async () => {
        const res = await app.request('/api/forms/debtor/versions/1/types.ts');
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
        const source = await res.text();
        expect(source).toMatch(/export interface Debtor \{/);
        const dir = await mkdtemp(join(tmpdir(), 'collectflow-types-'));
        try {
          await writeFile(join(dir, 'debtor.types.ts'), source);
          await writeFile(
            join(dir, 'use.ts'),
            `import type { Debtor } from './debtor.types.js';
const ok: Debtor = { caseNo: 'DC-1', debtorName: 'x', idNumber: 'x', phone: 'x', principal: '1', currency: 'CNY' };
// @ts-expect-error a required field is missing
const missing: Debtor = { caseNo: 'DC-1' };
export { ok, missing };
`,
          );
          const program = ts.createProgram([join(dir, 'use.ts')], {
            strict: true,
            noEmit: true,
            module: ts.ModuleKind.NodeNext,
            moduleResolution: ts.ModuleResolutionKind.NodeNext,
            target: ts.ScriptTarget.ES2022,
            types: [],
          });
          const diagnostics = ts
            .getPreEmitDiagnostics(program)
            .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
          expect(diagnostics).toEqual([]);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });
    });

    describe('OpenAPI', () => {
      it('documents every registry route', async () => {
        const doc = await json(await app.request('/api/openapi.json'));
        const operations = Object.entries(
          doc.paths as Record<string, Record<string, { operationId: string }>>,
        ).flatMap(([path, ops]) =>
          Object.entries(ops).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
        );
        expect(operations).toEqual(
          expect.arrayContaining([
            'GET /api/forms listForms',
            'POST /api/forms createForm',
            'POST /api/form-checks checkFormDefinition',
            'GET /api/forms/{key} getForm',
            'GET /api/forms/{key}/draft getFormDraft',
            'PUT /api/forms/{key}/draft saveFormDraft',
            'POST /api/forms/{key}/draft/validate validateAgainstFormDraft',
            'POST /api/forms/{key}/publish publishForm',
            'GET /api/forms/{key}/versions listFormVersions',
            'GET /api/forms/{key}/versions/{version} getFormVersion',
            'GET /api/forms/{key}/versions/{version}/types.ts getFormVersionTypes',
            'POST /api/forms/{key}/versions/{version}/validate validateFormData',
            'GET /api/forms/{key}/diff compareFormVersions',
            'POST /api/forms/{key}/records createRecord',
            'GET /api/forms/{key}/records listRecords',
            'GET /api/records/{id} getRecord',
            'PUT /api/records/{id} updateRecord',
          ]),
        );
        expect(doc.components.schemas.Record.properties.version).toBeDefined();
      });
    });
  },
);
