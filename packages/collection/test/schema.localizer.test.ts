import { describe, expect, it } from 'vitest';
import { localizeSchema } from '../src/index.js';

const schema = {
  type: 'object',
  title: 'Debtor',
  properties: {
    gender: {
      type: 'string',
      title: 'Gender',
      enum: ['MALE', 'FEMALE'],
      enumNames: ['Male', 'Female'],
      'x-i18n': {
        'zh-CN': { title: '性别', enumNames: ['男', '女'] },
        en: { title: 'Gender', enumNames: ['Male', 'Female'] },
      },
    },
    days: {
      type: 'array',
      title: 'Days',
      items: { type: 'string', enum: ['MON'], enumNames: ['Monday'] },
      'x-i18n': {
        'zh-CN': { title: '星期', description: '当地', enumNames: ['周一'] },
        en: { title: 'Days', enumNames: ['Monday'] },
      },
    },
  },
};

describe('localizing a form schema for @rjsf', () => {
  it('writes the chosen language into title, description and enumNames, including array items', () => {
    const zh = localizeSchema(schema, 'zh-CN');
    expect(zh.properties.gender).toMatchObject({ title: '性别', enumNames: ['男', '女'] });
    expect(zh.properties.days).toMatchObject({
      title: '星期',
      description: '当地',
      items: { enumNames: ['周一'] },
    });
  });

  it('leaves the input untouched and keeps untranslated nodes as they are', () => {
    const before = JSON.stringify(schema);
    const en = localizeSchema(schema, 'en');
    expect(JSON.stringify(schema)).toBe(before);
    expect(en.title).toBe('Debtor');
    expect(en.properties.gender.title).toBe('Gender');
  });
});
