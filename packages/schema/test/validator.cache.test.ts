import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type FormDefinition,
  isDomainError,
  localeFromAcceptLanguage,
  ValidatorCache,
} from '../src/index.js';
import { generateWideForm, generateWideFormData } from './fixtures/wide-form.generator.js';

const debtor = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'debtor.form.json'), 'utf8'),
) as FormDefinition;

const validDebtor = {
  caseNo: 'DC-20240001',
  debtorName: '张三',
  idNumber: '11010519491231002X',
  phone: '13800138000',
  principal: '1000.00',
  currency: 'CNY',
  address: { province: '北京', city: '北京' },
  employerUscc: '91350100M000100Y43',
};

describe('validator cache', () => {
  it('valid debtor data passes, with the domain formats (ID number, USCC, mobile, decimal)', () => {
    const cache = new ValidatorCache();
    expect(cache.validate('debtor', 1, debtor.schema, validDebtor)).toEqual({ valid: true, errors: [] });
  });

  it('a missing required field points at the field itself, not its parent', () => {
    const cache = new ValidatorCache();
    const { phone: _phone, ...data } = validDebtor;
    const result = cache.validate('debtor', 1, debtor.schema, { ...data, address: { province: '北京' } });
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => [e.pointer, e.keyword])).toEqual([
      ['/phone', 'required'],
      ['/address/city', 'required'],
    ]);
  });

  it('errors are in Chinese for zh-CN and in English otherwise', () => {
    const cache = new ValidatorCache();
    const bad = { ...validDebtor, phone: '12345', idNumber: '110105194912310021' };
    const zh = cache.validate('debtor', 1, debtor.schema, bad, { locale: 'zh-CN' });
    const en = cache.validate('debtor', 1, debtor.schema, bad, { locale: 'en' });
    expect(zh.errors.map((e) => [e.pointer, e.message])).toEqual([
      ['/idNumber', '应当匹配格式 "cn-id-number"'],
      ['/phone', '应当匹配格式 "cn-mobile"'],
    ]);
    expect(en.errors.map((e) => e.message)).toEqual([
      'must match format "cn-id-number"',
      'must match format "cn-mobile"',
    ]);
  });

  it('a form version is compiled once and reused for every later request', () => {
    const cache = new ValidatorCache();
    const first = cache.validatorFor('debtor', 1, debtor.schema);
    // Versions are immutable: a later call with any schema object reuses the compiled validator.
    expect(cache.validatorFor('debtor', 1, structuredClone(debtor.schema))).toBe(first);
    expect(cache.validatorFor('debtor', 2, structuredClone(debtor.schema))).not.toBe(first);
    expect(cache.size).toBe(2);
  });

  it('the cache is bounded: the least recently used version is evicted and recompiles on demand', () => {
    const cache = new ValidatorCache({ maxEntries: 2 });
    const schema = {
      type: 'object',
      $id: 'https://collectflow.example/shared',
      properties: { a: { type: 'string' } },
    };
    cache.validatorFor('a', 1, schema);
    cache.validatorFor('b', 1, { type: 'object' });
    cache.validatorFor('a', 1, schema);
    cache.validatorFor('c', 1, { type: 'object' });
    expect([cache.has('a', 1), cache.has('b', 1), cache.has('c', 1)]).toEqual([true, false, true]);
    cache.validatorFor('d', 1, { type: 'object' });
    // 'a' was evicted; recompiling it (same $id) must work.
    expect(cache.validate('a', 1, schema, { a: 1 }).errors[0]?.pointer).toBe('/a');
  });

  it('two forms that declare the same $id with different content still both validate', () => {
    const cache = new ValidatorCache();
    const one = { $id: 'https://example.com/form', type: 'object', required: ['a'] };
    const two = { $id: 'https://example.com/form', type: 'object', required: ['b'] };
    expect(cache.validate('one', 1, one, { b: 1 }).errors[0]?.pointer).toBe('/a');
    expect(cache.validate('two', 1, two, { a: 1 }).errors[0]?.pointer).toBe('/b');
  });

  it('refs to other form versions resolve through resolveRef', () => {
    const cache = new ValidatorCache({
      resolveRef: (key, version) => (key === 'debtor' && version === 3 ? debtor.schema : undefined),
    });
    const schema = {
      type: 'object',
      properties: { home: { $ref: 'collectflow:debtor@3#/properties/address' } },
    };
    expect(cache.validate('visit', 1, schema, { home: { province: '北京' } }).errors).toEqual([
      expect.objectContaining({ pointer: '/home/city', keyword: 'required' }),
    ]);
  });

  it('an unresolvable form ref is a DomainError with a stable code, not a crash', () => {
    const cache = new ValidatorCache();
    try {
      cache.validate('visit', 1, { $ref: 'collectflow:nope@1' }, {});
      expect.unreachable();
    } catch (error) {
      expect(isDomainError(error) && error.code).toBe('schema.unresolved_ref');
    }
  });

  it('a draft-07 form is validated with draft-07 semantics', () => {
    const cache = new ValidatorCache();
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'array',
      items: [{ type: 'string' }],
      additionalItems: false,
    };
    expect(cache.validate('tuple', 1, schema, ['a']).valid).toBe(true);
    expect(cache.validate('tuple', 1, schema, ['a', 'b']).valid).toBe(false);
  });

  it('a 200-field form validates generated data', () => {
    const cache = new ValidatorCache();
    const form = generateWideForm(200);
    expect(cache.validate(form.key, 1, form.schema, generateWideFormData(200)).errors).toEqual([]);
  });
});

describe('locale from Accept-Language', () => {
  it.each([
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['zh-Hant-TW', 'zh-CN'],
    ['en-US,en;q=0.9', 'en'],
    ['en;q=0.5, zh;q=0.8', 'zh-CN'],
    ['fr-FR, de', 'en'],
    ['', 'en'],
    [undefined, 'en'],
    ['zh;q=0, en', 'en'],
  ] as const)('%s → %s', (header, locale) => {
    expect(localeFromAcceptLanguage(header)).toBe(locale);
  });
});
