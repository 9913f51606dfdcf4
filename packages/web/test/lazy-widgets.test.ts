import { describe, expect, it } from 'vitest';
import { widgetsNeededBy } from '../src/forms/lazy-widgets';

describe('the widgets a form loads before its first render', () => {
  it('a form whose only options are radios, with a condition on them, needs no select or checkbox', () => {
    const schema = {
      type: 'object',
      properties: {
        notes: { type: 'string' },
        outcome: { type: 'string', enum: ['PROMISE', 'NO_ANSWER'] },
      },
      if: { properties: { outcome: { const: 'PROMISE' } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
      then: { properties: { promisedAmount: { type: 'string', format: 'decimal' } } },
    };
    expect(widgetsNeededBy(schema, { outcome: { 'ui:widget': 'radio' } })).toEqual([]);
  });

  it('options without a widget are a select, a boolean a checkbox, unique options with checkboxes checkboxes', () => {
    const schema = {
      type: 'object',
      properties: {
        channel: { type: 'string', enum: ['phone', 'visit'] },
        consent: { type: 'boolean' },
        tags: { type: 'array', uniqueItems: true, items: { type: 'string', enum: ['a', 'b'] } },
        debtor: { type: 'object', properties: { gender: { oneOf: [{ const: 'f' }, { const: 'm' }] } } },
      },
    };
    expect(widgetsNeededBy(schema, {}).sort()).toEqual(['checkbox', 'select']);
    expect(
      widgetsNeededBy(schema, {
        channel: { 'ui:widget': 'radio' },
        tags: { 'ui:widget': 'checkboxes' },
        debtor: { gender: { 'ui:widget': 'radio' } },
      }).sort(),
    ).toEqual(['checkbox', 'checkboxes']);
  });

  it('fields that only a then-branch adds count too', () => {
    const schema = {
      type: 'object',
      properties: { kind: { type: 'string', enum: ['a', 'b'] } },
      if: { properties: { kind: { const: 'a' } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
      then: { properties: { confirmed: { type: 'boolean' } } },
    };
    expect(widgetsNeededBy(schema, { kind: { 'ui:widget': 'radio' } })).toEqual(['checkbox']);
  });
});
