import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Divider,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useLocale } from '../i18n/locale.context';
import { kindLabel } from './designer.canvas';
import {
  displayLabel,
  errorMessageOf,
  helpOf,
  type Limit,
  labelOf,
  limitsFor,
  optionsOf,
  optionValue,
  setComputedType,
  setDefault,
  setErrorMessage,
  setHelp,
  setLimit,
  setOptions,
} from './designer.fields';
import type { ConditionOp, DesignerField, DesignerState, Json, VisibleWhen } from './designer.model';
import { conditionCandidates, expressionCandidates, rekey, relabel, updateField } from './designer.ops';

export interface PanelProps {
  state: DesignerState;
  field: DesignerField;
  /** A new state; edits with the same `merge` key in a row make one undo step. */
  apply(next: DesignerState, merge?: string): void;
}

const LIMIT_LABELS = {
  minimum: 'dzMinimum',
  maximum: 'dzMaximum',
  minLength: 'dzMinLength',
  maxLength: 'dzMaxLength',
  minItems: 'dzMinItems',
  maxItems: 'dzMaxItems',
  pattern: 'dzPattern',
} as const;

const CURRENCIES = ['CNY', 'USD', 'HKD', 'EUR', 'GBP', 'JPY'];

function validPattern(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

/** Everything a designer sets on one field. */
export function PropertiesPanel({ state, field, apply }: PanelProps) {
  const { t, locale } = useLocale();
  const edit = (change: (f: DesignerField) => void, merge?: string) =>
    apply(updateField(state, field.id, change), merge && `${field.id}:${merge}`);
  const label = labelOf(field);
  const help = helpOf(field);
  const errorMessage = errorMessageOf(field);
  const [keyDraft, setKeyDraft] = useState(field.key);
  const [keyProblem, setKeyProblem] = useState<string | null>(null);
  useEffect(() => {
    setKeyDraft(field.key);
    setKeyProblem(null);
  }, [field.key]);

  const commitKey = () => {
    if (keyDraft === field.key) return;
    const result = rekey(state, field.id, keyDraft.trim());
    if (result.problem) setKeyProblem(result.problem === 'invalid' ? t('dzKeyInvalid') : t('dzKeyDuplicate'));
    else apply(result.state);
  };

  if (field.kind === 'advanced') {
    return (
      <div data-testid="properties">
        <Typography.Title level={5}>
          {displayLabel(field, locale)} <Tag>{t('dzAdvanced')}</Tag>
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('dzAdvancedField')}</Typography.Paragraph>
        <pre className="cf-dz-json-small" data-testid="advanced-json">
          {JSON.stringify({ schema: field.schema, uiSchema: field.ui }, null, 2)}
        </pre>
        <Form layout="vertical" size="small">
          <Form.Item label={t('dzSensitive')}>
            <Switch
              checked={field.sensitive}
              onChange={(v) =>
                edit((f) => {
                  f.sensitive = v;
                })
              }
            />
          </Form.Item>
        </Form>
      </div>
    );
  }

  const limits = limitsFor(field.kind);
  const choice = field.kind === 'singleChoice' || field.kind === 'multipleChoice';
  return (
    <div data-testid="properties">
      <Typography.Title level={5} className="cf-dz-panel-title">
        {displayLabel(field, locale)} <Tag>{t(kindLabel(field.kind))}</Tag>
      </Typography.Title>
      <Form layout="vertical" size="small" className="cf-dz-form">
        <Form.Item label={t('dzLabelZh')}>
          <Input
            value={label['zh-CN']}
            data-testid="prop-label-zh"
            onChange={(e) =>
              apply(relabel(state, field.id, { 'zh-CN': e.target.value }), `${field.id}:label-zh`)
            }
          />
        </Form.Item>
        <Form.Item label={t('dzLabelEn')}>
          <Input
            value={label.en}
            data-testid="prop-label-en"
            onChange={(e) => apply(relabel(state, field.id, { en: e.target.value }), `${field.id}:label-en`)}
          />
        </Form.Item>
        <Form.Item
          label={t('dzKey')}
          validateStatus={keyProblem ? 'error' : undefined}
          help={keyProblem ?? undefined}
        >
          <Input
            value={keyDraft}
            data-testid="prop-key"
            onChange={(e) => {
              setKeyDraft(e.target.value);
              setKeyProblem(null);
            }}
            onBlur={commitKey}
            onPressEnter={commitKey}
          />
        </Form.Item>
        <Form.Item label={t('dzHelpZh')}>
          <Input
            value={help['zh-CN']}
            onChange={(e) => edit((f) => setHelp(f, { 'zh-CN': e.target.value }), 'help-zh')}
          />
        </Form.Item>
        <Form.Item label={t('dzHelpEn')}>
          <Input
            value={help.en}
            onChange={(e) => edit((f) => setHelp(f, { en: e.target.value }), 'help-en')}
          />
        </Form.Item>
        <div className="cf-dz-switches">
          {field.kind !== 'computed' && (
            <span className="cf-dz-switch">
              <Switch
                size="small"
                checked={field.required}
                data-testid="prop-required"
                aria-label={t('dzRequired')}
                onChange={(v) =>
                  edit((f) => {
                    f.required = v;
                  })
                }
              />
              {t('dzRequired')}
            </span>
          )}
          <span className="cf-dz-switch">
            <Switch
              size="small"
              checked={field.sensitive}
              data-testid="prop-sensitive"
              aria-label={t('dzSensitive')}
              onChange={(v) =>
                edit((f) => {
                  f.sensitive = v;
                })
              }
            />
            {t('dzSensitive')}
          </span>
        </div>
        {field.kind === 'money' && (
          <Form.Item label={t('dzCurrency')}>
            <Select
              value={typeof field.schema['x-currency'] === 'string' ? field.schema['x-currency'] : undefined}
              allowClear
              options={CURRENCIES.map((c) => ({ value: c, label: c }))}
              onChange={(v: string | undefined) =>
                edit((f) => {
                  if (v) f.schema['x-currency'] = v;
                  else delete f.schema['x-currency'];
                })
              }
            />
          </Form.Item>
        )}
        {choice && <OptionsEditor field={field} edit={edit} />}
        <DefaultEditor field={field} edit={edit} />
        {limits.length > 0 && (
          <>
            <Divider titlePlacement="start" plain>
              {t('dzLimits')}
            </Divider>
            <LimitsEditor field={field} limits={limits} edit={edit} />
            <Form.Item label={t('dzErrorZh')}>
              <Input
                value={errorMessage['zh-CN']}
                data-testid="prop-error-zh"
                onChange={(e) => edit((f) => setErrorMessage(f, { 'zh-CN': e.target.value }), 'err-zh')}
              />
            </Form.Item>
            <Form.Item label={t('dzErrorEn')}>
              <Input
                value={errorMessage.en}
                data-testid="prop-error-en"
                onChange={(e) => edit((f) => setErrorMessage(f, { en: e.target.value }), 'err-en')}
              />
            </Form.Item>
          </>
        )}
        {field.computed && <ComputedEditor state={state} field={field} apply={apply} />}
        <ConditionEditor state={state} field={field} apply={apply} />
      </Form>
    </div>
  );
}

type Edit = (change: (f: DesignerField) => void, merge?: string) => void;

function LimitsEditor({ field, limits, edit }: { field: DesignerField; limits: Limit[]; edit: Edit }) {
  const { t } = useLocale();
  return (
    <Space wrap align="start">
      {limits.map((limit) => {
        const value = field.schema[limit];
        if (limit === 'pattern') {
          const text = typeof value === 'string' ? value : '';
          const bad = text !== '' && !validPattern(text);
          return (
            <Form.Item
              key={limit}
              label={t(LIMIT_LABELS[limit])}
              validateStatus={bad ? 'error' : undefined}
              help={bad ? t('dzPatternInvalid') : undefined}
              style={{ minWidth: 240 }}
            >
              <Input
                value={text}
                data-testid="prop-pattern"
                onChange={(e) => edit((f) => setLimit(f, limit, e.target.value), 'pattern')}
              />
            </Form.Item>
          );
        }
        return (
          <Form.Item key={limit} label={t(LIMIT_LABELS[limit])}>
            <InputNumber
              value={typeof value === 'number' ? value : null}
              min={limit === 'minimum' || limit === 'maximum' ? undefined : 0}
              precision={limit === 'minimum' || limit === 'maximum' ? undefined : 0}
              data-testid={`prop-${limit}`}
              onChange={(v) => edit((f) => setLimit(f, limit, v ?? undefined), limit)}
            />
          </Form.Item>
        );
      })}
    </Space>
  );
}

function OptionsEditor({ field, edit }: { field: DesignerField; edit: Edit }) {
  const { t } = useLocale();
  const options = optionsOf(field);
  const change = (i: number, part: 'value' | 'zh-CN' | 'en', text: string) =>
    edit((f) => {
      const next = optionsOf(f);
      const o = next[i];
      if (!o) return;
      if (part === 'value') o.value = text;
      else {
        const wasDerived = o.value === optionValue(o.label.en, i, []) || o.value.startsWith('OPTION_');
        o.label[part] = text;
        // The stored value follows the English label until someone edits it.
        if (part === 'en' && wasDerived)
          o.value = optionValue(
            text,
            i,
            next.filter((_, j) => j !== i).map((x) => x.value),
          );
      }
      setOptions(f, next);
    }, `option-${i}-${part}`);
  return (
    <Form.Item label={t('dzOptions')}>
      <div className="cf-dz-options" data-testid="prop-options">
        {options.map((o, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: options are edited in place by position
          <div className="cf-dz-option" key={i}>
            <Input
              placeholder={t('dzLabelZh')}
              value={o.label['zh-CN']}
              data-testid={`option-${i}-zh`}
              onChange={(e) => change(i, 'zh-CN', e.target.value)}
            />
            <Input
              placeholder={t('dzLabelEn')}
              value={o.label.en}
              data-testid={`option-${i}-en`}
              onChange={(e) => change(i, 'en', e.target.value)}
            />
            <Input
              placeholder={t('dzOptionValue')}
              value={o.value}
              className="cf-dz-option-value"
              data-testid={`option-${i}-value`}
              onChange={(e) => change(i, 'value', e.target.value)}
            />
            <Button
              type="text"
              danger
              icon={<DeleteOutlined />}
              aria-label={t('dzDelete')}
              onClick={() =>
                edit((f) =>
                  setOptions(
                    f,
                    optionsOf(f).filter((_, j) => j !== i),
                  ),
                )
              }
            />
          </div>
        ))}
        <Button
          size="small"
          icon={<PlusOutlined />}
          data-testid="add-option"
          onClick={() =>
            edit((f) => {
              const next = optionsOf(f);
              const value = optionValue(
                '',
                next.length,
                next.map((x) => x.value),
              );
              setOptions(f, [...next, { value, label: { 'zh-CN': '', en: '' } }]);
            })
          }
        >
          {t('dzAddOption')}
        </Button>
      </div>
    </Form.Item>
  );
}

function DefaultEditor({ field, edit }: { field: DesignerField; edit: Edit }) {
  const { t, locale } = useLocale();
  const value = field.schema.default;
  let control: React.ReactNode = null;
  switch (field.kind) {
    case 'text':
    case 'longText':
    case 'email':
    case 'phone':
    case 'money':
      control = (
        <Input
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => edit((f) => setDefault(f, e.target.value), 'default')}
        />
      );
      break;
    case 'number':
    case 'percentage':
      control = (
        <InputNumber
          value={typeof value === 'number' ? value : null}
          onChange={(v) => edit((f) => setDefault(f, v ?? undefined), 'default')}
        />
      );
      break;
    case 'singleChoice':
      control = (
        <Select
          allowClear
          value={typeof value === 'string' ? value : undefined}
          options={optionsOf(field).map((o) => ({ value: o.value, label: o.label[locale] || o.value }))}
          onChange={(v: string | undefined) => edit((f) => setDefault(f, v))}
          style={{ minWidth: 160 }}
        />
      );
      break;
    case 'date':
      control = (
        <Input
          type="date"
          value={typeof value === 'string' ? value : ''}
          data-testid="prop-default"
          onChange={(e) => edit((f) => setDefault(f, e.target.value), 'default')}
          style={{ width: 180 }}
        />
      );
      break;
    case 'multipleChoice':
      control = (
        <Select
          mode="multiple"
          allowClear
          value={Array.isArray(value) ? (value as string[]) : []}
          options={optionsOf(field).map((o) => ({ value: o.value, label: o.label[locale] || o.value }))}
          onChange={(v: string[]) => edit((f) => setDefault(f, v))}
          style={{ minWidth: 200 }}
        />
      );
      break;
    case 'yesNo':
      control = (
        <Select
          allowClear
          value={typeof value === 'boolean' ? String(value) : undefined}
          options={[
            { value: 'true', label: t('dzYes') },
            { value: 'false', label: t('dzNo') },
          ]}
          onChange={(v: string | undefined) =>
            edit((f) => setDefault(f, v === undefined ? undefined : v === 'true'))
          }
          style={{ minWidth: 120 }}
        />
      );
      break;
    default:
      return null;
  }
  return <Form.Item label={t('dzDefault')}>{control}</Form.Item>;
}

function ComputedEditor({ state, field, apply }: PanelProps) {
  const { t } = useLocale();
  const candidates = expressionCandidates(state, field.id);
  const expression = field.computed?.expression ?? '';
  const [check, setCheck] = useState<{ ok: boolean; message?: string } | null>(null);
  const sample = JSON.stringify(candidates.map((c) => [c.key, c.kind]));
  // Checks the formula with the same eval-free evaluator the forms use, on sample inputs.
  useEffect(() => {
    let live = true;
    if (expression.trim() === '') {
      setCheck(null);
      return;
    }
    import('../forms/computed.evaluator').then((m) => {
      const data: Json = {};
      for (const [key, kind] of JSON.parse(sample) as Array<[string, string]>)
        data[key] = kind === 'money' || kind === 'computed' ? '1.00' : 1;
      try {
        m.evaluateExpression(expression, data, field.computed?.type ?? 'number');
        if (live) setCheck({ ok: true });
      } catch (e) {
        if (live) setCheck({ ok: false, message: (e as Error).message });
      }
    });
    return () => {
      live = false;
    };
  }, [expression, sample, field.computed?.type]);

  const setExpression = (text: string, merge = true) =>
    apply(
      updateField(state, field.id, (f) => {
        if (f.computed) f.computed.expression = text;
      }),
      merge ? `${field.id}:expression` : undefined,
    );
  return (
    <>
      <Divider titlePlacement="start" plain>
        {t('dzComputed')}
      </Divider>
      <Form.Item label={t('dzComputedType')}>
        <Select<string>
          value={field.computed?.type}
          style={{ minWidth: 160 }}
          options={[
            { value: 'money', label: t('dzComputedMoney') },
            { value: 'number', label: t('dzComputedNumber') },
          ]}
          onChange={(v) =>
            apply(
              updateField(state, field.id, (f) => setComputedType(f, v === 'number' ? 'number' : 'money')),
            )
          }
        />
      </Form.Item>
      <Form.Item label={t('dzInsertField')}>
        <Space wrap size={[4, 4]}>
          {candidates.map((c) => (
            <Button
              key={c.id}
              size="small"
              data-testid={`insert-${c.key}`}
              onClick={() =>
                setExpression(expression.trim() ? `${expression.trimEnd()} ${c.key}` : c.key, false)
              }
            >
              {c.key}
            </Button>
          ))}
          {['+', '-', '*', '/', '(', ')'].map((op) => (
            <Button
              key={op}
              size="small"
              className="cf-dz-op"
              data-testid={`op-${op}`}
              onClick={() => setExpression(`${expression.trimEnd()} ${op}`, false)}
            >
              {op}
            </Button>
          ))}
        </Space>
      </Form.Item>
      <Form.Item
        label={t('dzComputed')}
        validateStatus={check && !check.ok ? 'error' : check?.ok ? 'success' : undefined}
        help={
          check
            ? check.ok
              ? t('dzExpressionOk')
              : t('dzExpressionInvalid', { message: check.message ?? '' })
            : undefined
        }
      >
        <Input.TextArea
          value={expression}
          autoSize={{ minRows: 2 }}
          data-testid="prop-expression"
          onChange={(e) => setExpression(e.target.value)}
        />
      </Form.Item>
    </>
  );
}

function ConditionEditor({ state, field, apply }: PanelProps) {
  const { t, locale } = useLocale();
  const candidates = conditionCandidates(state, field.id);
  const condition = field.visibleWhen;
  const target = candidates.find((c) => c.key === condition?.field);
  const set = (next: VisibleWhen | undefined) =>
    apply(
      updateField(state, field.id, (f) => {
        if (next) f.visibleWhen = next;
        else delete f.visibleWhen;
      }),
    );
  const list = condition?.op === 'in' || condition?.op === 'notIn';
  const ops: Array<{ value: ConditionOp; label: string }> = [
    { value: 'eq', label: t('dzOpEq') },
    { value: 'neq', label: t('dzOpNeq') },
    ...(target?.kind === 'singleChoice'
      ? [
          { value: 'in' as const, label: t('dzOpIn') },
          { value: 'notIn' as const, label: t('dzOpNotIn') },
        ]
      : []),
  ];
  let valueControl: React.ReactNode = null;
  if (condition && target) {
    if (target.kind === 'singleChoice') {
      const options = optionsOf(target).map((o) => ({ value: o.value, label: o.label[locale] || o.value }));
      valueControl = (
        <Select
          mode={list ? 'multiple' : undefined}
          value={condition.value as string | string[]}
          options={options}
          data-testid="condition-value"
          style={{ minWidth: 180 }}
          onChange={(v: string | string[]) => set({ ...condition, value: v })}
        />
      );
    } else if (target.kind === 'yesNo') {
      valueControl = (
        <Select
          value={String(condition.value)}
          data-testid="condition-value"
          style={{ minWidth: 100 }}
          options={[
            { value: 'true', label: t('dzYes') },
            { value: 'false', label: t('dzNo') },
          ]}
          onChange={(v: string) => set({ ...condition, value: v === 'true' })}
        />
      );
    } else if (target.kind === 'number') {
      valueControl = (
        <InputNumber
          value={typeof condition.value === 'number' ? condition.value : null}
          onChange={(v) => set({ ...condition, value: v ?? 0 })}
        />
      );
    } else {
      valueControl = (
        <Input
          value={String(condition.value ?? '')}
          onChange={(e) => set({ ...condition, value: e.target.value })}
          style={{ width: 180 }}
        />
      );
    }
  }
  const firstValue = (key: string): unknown => {
    const c = candidates.find((x) => x.key === key);
    if (!c) return '';
    if (c.kind === 'yesNo') return true;
    if (c.kind === 'number') return 0;
    if (c.kind === 'singleChoice') return optionsOf(c)[0]?.value ?? '';
    return '';
  };
  return (
    <>
      <Divider titlePlacement="start" plain>
        {t('dzVisibleWhen')}
      </Divider>
      {candidates.length === 0 && !condition ? (
        <Typography.Text type="secondary">{t('dzNoCandidates')}</Typography.Text>
      ) : (
        <Space wrap align="start" data-testid="condition">
          <Select
            value={condition?.field ?? ''}
            style={{ minWidth: 160 }}
            data-testid="condition-field"
            options={[
              { value: '', label: t('dzAlwaysVisible') },
              ...candidates.map((c) => ({ value: c.key, label: displayLabel(c, locale) })),
            ]}
            onChange={(key: string) =>
              set(key ? { field: key, op: 'eq', value: firstValue(key) } : undefined)
            }
          />
          {condition && (
            <Select
              value={condition.op}
              style={{ minWidth: 140 }}
              data-testid="condition-op"
              options={ops}
              onChange={(op: ConditionOp) => {
                const toList = op === 'in' || op === 'notIn';
                const value = toList
                  ? Array.isArray(condition.value)
                    ? condition.value
                    : [condition.value]
                  : Array.isArray(condition.value)
                    ? condition.value[0]
                    : condition.value;
                set({ ...condition, op, value });
              }}
            />
          )}
          {valueControl}
        </Space>
      )}
      {condition && !target && <Alert type="warning" showIcon title={t('dzIssue.condition.dangling')} />}
    </>
  );
}
