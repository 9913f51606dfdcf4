import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkDefinition, evaluateComputedDetailed, type FormDefinition } from '@collectflow/schema';
import type { RJSFSchema } from '@rjsf/utils';
import { describe, expect, it } from 'vitest';
import {
  allFields,
  deriveKey,
  displayLabel,
  labelOf,
  locate,
  optionsOf,
  setDefault,
  setErrorMessage,
  setLimit,
  setOptions,
  uniqueKey,
} from '../src/designer/designer.fields';
import {
  compileCondition,
  type DesignerState,
  FIELD_KINDS,
  type FormDefinitionLike,
  fromDefinition,
  toDefinition,
} from '../src/designer/designer.model';
import {
  addField,
  checkState,
  emptyState,
  moveField,
  rekey,
  relabel,
  removeField,
  renameIdentifier,
  updateField,
} from '../src/designer/designer.ops';
import { hiddenFields } from '../src/forms/conditional-fields';
import { localizeForm } from '../src/forms/localize-form';
import { InterpretingValidator } from '../src/forms/schema.validator';

const formsDir = join(import.meta.dirname, '..', '..', '..', 'definitions', 'forms');
const files = readdirSync(formsDir).filter((f) => f.endsWith('.form.json'));
const load = (file: string) => JSON.parse(readFileSync(join(formsDir, file), 'utf8')) as FormDefinitionLike;
const validator = new InterpretingValidator('en');
const errorsOf = (def: FormDefinitionLike, data: unknown) => validator.errorsOf(def.schema, data);
const holds = (schema: Record<string, unknown>, data: unknown) =>
  validator.isValid(schema as RJSFSchema, data, schema as RJSFSchema);
const errorsIn = (def: FormDefinitionLike) => checkDefinition(def).filter((p) => p.severity === 'error');

function field(state: DesignerState, key: string) {
  const found = allFields(state.root).find((f) => f.pointer === `/${key}`);
  if (!found) throw new Error(`no field ${key}`);
  return found.field;
}

describe('hand-written forms open in the designer without losing anything', () => {
  it.each(files)('%s comes back unchanged after a round trip', (file) => {
    const definition = load(file);
    const state = fromDefinition(definition);
    expect(toDefinition(state)).toStrictEqual(definition);
    // and again: a reopened form is stable
    expect(toDefinition(fromDefinition(toDefinition(state)))).toStrictEqual(definition);
  });

  it('reads the debt case: conditions as visible-when, computed fields, sections, required flags', () => {
    const state = fromDefinition(load('debt-case.form.json'));
    const closedOn = field(state, 'closedOn');
    expect(closedOn.visibleWhen).toEqual({ field: 'status', op: 'in', value: ['SETTLED', 'CLOSED'] });
    expect(closedOn.required).toBe(true);
    expect(field(state, 'legalApprovalRef').visibleWhen).toEqual({
      field: 'legalApproval',
      op: 'eq',
      value: true,
    });
    expect(field(state, 'totalDue').kind).toBe('computed');
    expect(field(state, 'totalDue').computed?.expression).toBe('principal + interest + fees + costs');
    expect(field(state, 'creditor').kind).toBe('section');
    expect(field(state, 'creditor').children?.fields.map((f) => f.key)).toEqual(['name', 'uscc']);
    expect(field(state, 'caseNumber').required).toBe(true);
    expect(field(state, 'principal').kind).toBe('money');
    expect(field(state, 'status').kind).toBe('singleChoice');
    expect(field(state, 'notes').kind).toBe('longText');
    expect(state.root.fields.map((f) => f.key).slice(0, 3)).toEqual(['caseNumber', 'debtorNo', 'debtorName']);
  });

  it('keeps what it does not understand of the debtor as advanced parts', () => {
    const state = fromDefinition(load('debtor.form.json'));
    expect(Object.keys(state.schema)).toContain('$defs');
    const slots = state.root.written.allOf ?? [];
    // The person/company rule is not a visible-when condition: kept verbatim; the other two are.
    expect(slots.filter((s) => 'raw' in s)).toHaveLength(1);
    expect(field(state, 'deceasedOn').visibleWhen).toEqual({ field: 'deceased', op: 'eq', value: true });
    const phones = field(state, 'phones');
    expect(phones.kind).toBe('group');
    const number = phones.children?.fields.find((f) => f.key === 'number');
    expect(number?.kind).toBe('advanced');
    expect(number?.sensitive).toBe(true);
    expect(field(state, 'addresses').kind).toBe('advanced');
    // The attorney's if/then stays on its section's schema.
    expect(field(state, 'attorney').schema.if).toBeDefined();
  });

  it('an edit of one field changes only that field in the definition', () => {
    const definition = load('debtor.form.json');
    let state = fromDefinition(definition);
    state = relabel(state, field(state, 'notes').id, { 'zh-CN': '备注说明' });
    const out = toDefinition(state);
    const notes = out.schema.properties as Record<string, Record<string, unknown>>;
    const texts = notes.notes?.['x-i18n'] as Record<string, { title: string }> | undefined;
    expect(texts?.['zh-CN']?.title).toBe('备注说明');
    const restored = structuredClone(out);
    (restored.schema.properties as Record<string, unknown>).notes = (
      definition.schema.properties as Record<string, unknown>
    ).notes;
    expect(restored).toStrictEqual(definition);
  });
});

/** A form with one field of every palette kind, made through the designer's operations. */
function everyKind(): DesignerState {
  let state = emptyState('every-kind', { 'zh-CN': '全部类型', en: 'Every kind' });
  for (const kind of FIELD_KINDS) {
    const made = addField(state, 'root', 99, kind, { 'zh-CN': `字段 ${kind}`, en: `Field ${kind}` });
    state = made.state;
    if (kind === 'singleChoice' || kind === 'multipleChoice') {
      state = updateField(state, made.id, (f) =>
        setOptions(f, [
          { value: 'A', label: { 'zh-CN': '甲', en: 'A' } },
          { value: 'B', label: { 'zh-CN': '乙', en: 'B' } },
        ]),
      );
    }
    if (kind === 'section' || kind === 'group') {
      state = addField(state, made.id, 0, 'text', { 'zh-CN': '内部', en: 'Inner' }).state;
    }
    if (kind === 'computed') {
      state = updateField(state, made.id, (f) => {
        if (f.computed) f.computed.expression = 'fieldMoney + 1';
      });
    }
  }
  return state;
}

describe('each field type of the palette', () => {
  const state = everyKind();
  const def = toDefinition(state);
  const props = def.schema.properties as Record<string, Record<string, unknown>>;

  it('makes a definition the registry accepts, with keys from the labels', () => {
    expect(errorsIn(def)).toEqual([]);
    expect(Object.keys(props)).toEqual(
      FIELD_KINDS.map((k) => `field${k.charAt(0).toUpperCase()}${k.slice(1)}`),
    );
    expect(def.uiSchema['ui:order']).toEqual([...Object.keys(props)]);
  });

  it('reopens identically, every field as the kind it was made as', () => {
    const reopened = fromDefinition(def);
    expect(reopened.root.fields.map((f) => f.kind)).toEqual([...FIELD_KINDS]);
    expect(toDefinition(reopened)).toStrictEqual(def);
  });

  it('gives each kind the schema its values need', () => {
    const good = {
      fieldText: 'x',
      fieldLongText: 'long\ntext',
      fieldNumber: 3.5,
      fieldMoney: '1234.50',
      fieldPercentage: 12.5,
      fieldDate: '2026-01-31',
      fieldDateTime: '2026-01-31T08:00:00Z',
      fieldSingleChoice: 'A',
      fieldMultipleChoice: ['A', 'B'],
      fieldYesNo: true,
      fieldPhone: '+8613800138000',
      fieldEmail: 'a@example.com',
      fieldIdNumber: '110101199003071234',
      fieldAddress: { country: 'CN', city: '北京' },
      fieldFile: [
        {
          id: '0190a3b2-1c2d-7e3f-8a9b-0c1d2e3f4a5b',
          name: '走访照片.jpg',
          size: 48213,
          contentType: 'image/jpeg',
        },
      ],
      fieldSection: { inner: 'x' },
      fieldGroup: [{ inner: 'y' }],
    };
    expect(errorsOf(def, good)).toEqual([]);
    const bad: Array<[string, unknown]> = [
      ['fieldMoney', '12,5'],
      ['fieldMoney', '-3'],
      ['fieldPercentage', 101],
      ['fieldDate', '31/01/2026'],
      ['fieldDateTime', '2026-01-31'],
      ['fieldSingleChoice', 'C'],
      ['fieldMultipleChoice', ['A', 'A']],
      ['fieldYesNo', 'yes'],
      ['fieldPhone', 'call me'],
      ['fieldEmail', 'not-an-email'],
      ['fieldIdNumber', '12'],
      ['fieldAddress', { country: 'CN' }],
      ['fieldFile', ['0190a3b2-1c2d-7e3f-8a9b-0c1d2e3f4a5b']],
      ['fieldFile', [{ ...good.fieldFile[0], id: 'not-a-uuid' }]],
      ['fieldFile', [{ ...good.fieldFile[0], size: -1 }]],
      ['fieldFile', [{ id: '0190a3b2-1c2d-7e3f-8a9b-0c1d2e3f4a5b', name: 'a.pdf' }]],
      ['fieldFile', [{ ...good.fieldFile[0], path: '/etc/passwd' }]],
      ['fieldNumber', 'three'],
    ];
    for (const [key, value] of bad) {
      expect(errorsOf(def, { ...good, [key]: value }), `${key} = ${JSON.stringify(value)}`).not.toEqual([]);
    }
  });

  it('makes the file field a list of attachment references rendered as an upload', () => {
    expect(props.fieldFile).toMatchObject({ type: 'array', 'x-field': 'file' });
    expect((props.fieldFile?.items as Record<string, unknown> | undefined)?.required).toEqual([
      'id',
      'name',
      'size',
      'contentType',
    ]);
    expect(def.uiSchema.fieldFile).toEqual({ 'ui:field': 'cfFile' });
  });

  it('marks ID numbers, phones and addresses sensitive, and computes the computed field', () => {
    expect(def.metadata.sensitive).toEqual(['/fieldPhone', '/fieldIdNumber', '/fieldAddress']);
    expect(def.metadata.computed).toEqual([
      { pointer: '/fieldComputed', expression: 'fieldMoney + 1', type: 'money' },
    ]);
    expect(props.fieldComputed?.readOnly).toBe(true);
    const result = evaluateComputedDetailed(def as FormDefinition, { fieldMoney: '2.50' });
    expect(result.data.fieldComputed).toBe('3.50');
  });

  it('keeps option labels in both languages where the renderer reads them', () => {
    const choice = locate(state.root, state.root.fields[7]?.id ?? '')?.field;
    expect(choice && optionsOf(choice)).toEqual([
      { value: 'A', label: { 'zh-CN': '甲', en: 'A' } },
      { value: 'B', label: { 'zh-CN': '乙', en: 'B' } },
    ]);
    const multi = props.fieldMultipleChoice as Record<string, Record<string, Record<string, unknown>>>;
    expect(multi['x-i18n']?.['zh-CN']?.enumNames).toEqual(['甲', '乙']);
  });

  it('refuses a form whose choice has no options or whose section is empty', () => {
    let s = addField(emptyState('x-form', { 'zh-CN': '表', en: 'Form' }), 'root', 0, 'singleChoice', {
      'zh-CN': '选',
      en: 'Pick',
    }).state;
    s = addField(s, 'root', 1, 'section', { 'zh-CN': '组', en: 'Part' }).state;
    expect(checkState(s).map((i) => i.code)).toEqual(['options.empty', 'container.empty']);
  });
});

describe('default values', () => {
  it('a date and a multiple choice get defaults the registry accepts; removed options leave the default', () => {
    let state = emptyState('defaults', { 'zh-CN': '默认值', en: 'Defaults' });
    const date = addField(state, 'root', 0, 'date', { 'zh-CN': '日期', en: 'Visit date' });
    state = updateField(date.state, date.id, (f) => setDefault(f, '2026-11-23'));
    const multi = addField(state, 'root', 1, 'multipleChoice', { 'zh-CN': '渠道', en: 'Channels' });
    state = updateField(multi.state, multi.id, (f) => {
      setOptions(f, [
        { value: 'PHONE', label: { 'zh-CN': '电话', en: 'Phone' } },
        { value: 'VISIT', label: { 'zh-CN': '上门', en: 'Visit' } },
      ]);
      setDefault(f, ['PHONE', 'VISIT']);
    });
    let def = toDefinition(state);
    expect(errorsIn(def)).toEqual([]);
    const props = def.schema.properties as Record<string, Record<string, unknown>>;
    expect(props.visitDate?.default).toBe('2026-11-23');
    expect(props.channels?.default).toEqual(['PHONE', 'VISIT']);

    state = updateField(state, multi.id, (f) => setOptions(f, optionsOf(f).slice(0, 1)));
    def = toDefinition(state);
    expect((def.schema.properties as Record<string, Record<string, unknown>>).channels?.default).toEqual([
      'PHONE',
    ]);
    state = updateField(state, multi.id, (f) => setDefault(f, []));
    expect(
      (toDefinition(state).schema.properties as Record<string, Record<string, unknown>>).channels,
    ).not.toHaveProperty('default');
  });
});

describe('a custom error message', () => {
  it('replaces the generic message of the field’s own rules, in the UI language', () => {
    const made = addField(emptyState('msg', { 'zh-CN': '提示', en: 'Messages' }), 'root', 0, 'text', {
      'zh-CN': '车牌',
      en: 'Plate',
    });
    const s = updateField(made.state, made.id, (f) => {
      setLimit(f, 'pattern', '^[A-Z]{2}[0-9]{4}$');
      setLimit(f, 'maxLength', 6);
      setErrorMessage(f, { 'zh-CN': '车牌格式如 AB1234', en: 'Write the plate like AB1234' });
    });
    const def = toDefinition(s);
    expect(errorsIn(def)).toEqual([]);
    for (const [locale, text] of [
      ['en', 'Write the plate like AB1234'],
      ['zh-CN', '车牌格式如 AB1234'],
    ] as const) {
      const localized = localizeForm(def.schema, def.uiSchema, locale).schema;
      const messages = new InterpretingValidator(locale)
        .errorsOf(localized, { plate: 'ab12345' })
        .map((e) => e.message);
      expect(messages).toEqual([text, text]);
      // A rule the field did not set itself (the type) keeps its generic message.
      expect(new InterpretingValidator(locale).errorsOf(localized, { plate: 5 })[0]?.message).not.toBe(text);
    }
  });
});

describe('keys come from labels and stay unique', () => {
  it('derives camelCase keys from the English label', () => {
    expect(deriveKey({ en: 'Debtor name' }, 'text')).toBe('debtorName');
    expect(deriveKey({ en: '  Amount (CNY) due!' }, 'money')).toBe('amountCNYDue');
    expect(deriveKey({ en: '3 months' }, 'number')).toBe('f3Months');
    expect(deriveKey({ en: 'Café owner' }, 'text')).toBe('cafeOwner');
    expect(deriveKey({ 'zh-CN': '姓名', en: '' }, 'text')).toBe('text');
  });

  it('numbers a key that a sibling already has', () => {
    let s = emptyState('keys', { 'zh-CN': '键', en: 'Keys' });
    for (let i = 0; i < 3; i += 1) s = addField(s, 'root', 99, 'text', { 'zh-CN': '名称', en: 'Name' }).state;
    expect(s.root.fields.map((f) => f.key)).toEqual(['name', 'name2', 'name3']);
    expect(uniqueKey('name', s.root.fields, s.root.fields[0])).toBe('name');
  });

  it('lets the key follow the label until someone edits the key', () => {
    let s = emptyState('keys', { 'zh-CN': '键', en: 'Keys' });
    const made = addField(s, 'root', 0, 'text', { 'zh-CN': '', en: '' });
    s = made.state;
    s = relabel(s, made.id, { en: 'Home city' });
    expect(s.root.fields[0]?.key).toBe('homeCity');
    const renamed = rekey(s, made.id, 'city');
    expect(renamed.problem).toBeUndefined();
    s = relabel(renamed.state, made.id, { en: 'City of residence' });
    expect(s.root.fields[0]?.key).toBe('city');
    expect(displayLabel(s.root.fields[0] as never, 'zh-CN')).toBe('City of residence');
  });

  it('refuses an invalid or duplicate key and renames references', () => {
    let s = emptyState('keys', { 'zh-CN': '键', en: 'Keys' });
    const a = addField(s, 'root', 0, 'yesNo', { 'zh-CN': '甲', en: 'Has car' });
    s = a.state;
    const b = addField(s, 'root', 1, 'text', { 'zh-CN': '乙', en: 'Plate' });
    s = updateField(b.state, b.id, (f) => {
      f.visibleWhen = { field: 'hasCar', op: 'eq', value: true };
    });
    const c = addField(s, 'root', 2, 'computed', { 'zh-CN': '丙', en: 'Total' });
    s = updateField(c.state, c.id, (f) => {
      if (f.computed) f.computed.expression = 'hasCar + "hasCar" + hasCarX';
    });
    expect(rekey(s, a.id, '1car').problem).toBe('invalid');
    expect(rekey(s, a.id, 'plate').problem).toBe('duplicate');
    s = rekey(s, a.id, 'ownsCar').state;
    expect(locate(s.root, b.id)?.field.visibleWhen?.field).toBe('ownsCar');
    expect(locate(s.root, c.id)?.field.computed?.expression).toBe('ownsCar + "hasCar" + hasCarX');
    expect(renameIdentifier('a.b + b', 'b', 'c')).toBe('a.b + c');
  });
});

describe('visible-when conditions compile to if/then/else', () => {
  it('compiles each operator', () => {
    expect(compileCondition({ field: 'kind', op: 'eq', value: 'X' }, [{ key: 'a', required: true }])).toEqual(
      {
        if: { properties: { kind: { const: 'X' } }, required: ['kind'] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
        then: { properties: { a: true }, required: ['a'] },
      },
    );
    expect(
      compileCondition({ field: 'kind', op: 'neq', value: 'X' }, [{ key: 'a', required: false }]),
    ).toEqual({
      if: { properties: { kind: { const: 'X' } }, required: ['kind'] },
      else: { properties: { a: true } },
    });
    expect(
      compileCondition({ field: 'kind', op: 'in', value: ['X', 'Y'] }, [{ key: 'a', required: false }]),
    ).toEqual({
      if: { properties: { kind: { enum: ['X', 'Y'] } }, required: ['kind'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
      then: { properties: { a: true } },
    });
    expect(
      compileCondition({ field: 'kind', op: 'notIn', value: ['X'] }, [{ key: 'a', required: false }]).else,
    ).toEqual({ properties: { a: true } });
  });

  function conditional(op: 'eq' | 'neq' | 'in' | 'notIn', value: unknown) {
    let s = emptyState('cond', { 'zh-CN': '条件', en: 'Conditions' });
    const kind = addField(s, 'root', 0, 'singleChoice', { 'zh-CN': '类型', en: 'Kind' });
    s = updateField(kind.state, kind.id, (f) =>
      setOptions(
        f,
        ['X', 'Y', 'Z'].map((v) => ({ value: v, label: { 'zh-CN': v, en: v } })),
      ),
    );
    const detail = addField(s, 'root', 1, 'text', { 'zh-CN': '详情', en: 'Detail' });
    s = updateField(detail.state, detail.id, (f) => {
      f.required = true;
      f.visibleWhen = { field: 'kind', op, value };
    });
    return toDefinition(s);
  }

  it('hides the field when the condition fails and requires it only when shown', () => {
    const def = conditional('eq', 'X');
    expect(errorsIn(def)).toEqual([]);
    expect(def.schema.required).toBeUndefined();
    expect([...hiddenFields(def.schema, { kind: 'Y' }, holds)]).toEqual(['detail']);
    expect([...hiddenFields(def.schema, { kind: 'X' }, holds)]).toEqual([]);
    expect(errorsOf(def, { kind: 'Y' })).toEqual([]);
    expect(errorsOf(def, { kind: 'X' }).map((e) => e.property)).toEqual(['.detail']);
    expect(errorsOf(def, { kind: 'X', detail: 'd' })).toEqual([]);
  });

  it('applies not-equal, one-of and none-of the same way', () => {
    const neq = conditional('neq', 'X');
    expect([...hiddenFields(neq.schema, { kind: 'X' }, holds)]).toEqual(['detail']);
    expect(errorsOf(neq, { kind: 'Y' })).not.toEqual([]);
    const inList = conditional('in', ['X', 'Z']);
    expect([...hiddenFields(inList.schema, { kind: 'Z' }, holds)]).toEqual([]);
    expect([...hiddenFields(inList.schema, { kind: 'Y' }, holds)]).toEqual(['detail']);
    const notIn = conditional('notIn', ['X', 'Z']);
    expect([...hiddenFields(notIn.schema, { kind: 'Y' }, holds)]).toEqual([]);
    expect([...hiddenFields(notIn.schema, { kind: 'Z' }, holds)]).toEqual(['detail']);
  });

  it('groups fields with the same condition into one entry and reads it back', () => {
    let s = fromDefinition(conditional('eq', 'X'));
    const more = addField(s, 'root', 2, 'date', { 'zh-CN': '日期', en: 'When' });
    s = updateField(more.state, more.id, (f) => {
      f.visibleWhen = { field: 'kind', op: 'eq', value: 'X' };
    });
    const def = toDefinition(s);
    expect(def.schema.allOf).toEqual([
      {
        if: { properties: { kind: { const: 'X' } }, required: ['kind'] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
        then: { properties: { detail: true, when: true }, required: ['detail'] },
      },
    ]);
    expect(fromDefinition(def).root.fields.map((f) => f.visibleWhen?.op ?? null)).toEqual([null, 'eq', 'eq']);
  });
});

describe('moving and removing fields', () => {
  it('moves a field into a section and a group, renaming a clashing key, never into itself', () => {
    let s = emptyState('move', { 'zh-CN': '移动', en: 'Move' });
    const section = addField(s, 'root', 0, 'section', { 'zh-CN': '段', en: 'Part' });
    s = addField(section.state, section.id, 0, 'text', { 'zh-CN': '名', en: 'Name' }).state;
    const loose = addField(s, 'root', 1, 'text', { 'zh-CN': '名', en: 'Name' });
    s = moveField(loose.state, loose.id, section.id, 0);
    expect(s.root.fields.map((f) => f.key)).toEqual(['part']);
    expect(s.root.fields[0]?.children?.fields.map((f) => f.key)).toEqual(['name2', 'name']);
    expect(moveField(s, section.id, section.id, 0)).toBe(s);
    const group = addField(s, 'root', 1, 'group', { 'zh-CN': '组', en: 'Rows' });
    s = moveField(group.state, loose.id, group.id, 0);
    const def = toDefinition(s);
    expect(def.uiSchema.rows).toEqual({ items: { 'ui:order': ['name2'] } });
    expect(errorsIn(def)).toEqual([]);
    s = removeField(s, group.id);
    expect(allFields(s.root).map((f) => f.pointer)).toEqual(['/part', '/part/name']);
  });

  it('reordering a hand-written section writes its new order', () => {
    let s = fromDefinition(load('debt-case.form.json'));
    const creditor = field(s, 'creditor');
    const uscc = creditor.children?.fields[1]?.id ?? '';
    s = moveField(s, uscc, creditor.id, 0);
    const ui = toDefinition(s).uiSchema.creditor as Record<string, unknown>;
    expect(ui['ui:order']).toEqual(['uscc', 'name']);
    expect(labelOf(field(s, 'creditor')).en).toBe('Creditor');
  });
});
