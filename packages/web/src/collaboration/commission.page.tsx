import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Empty, Form, Input, Radio, Row, Select, Space, Table } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { ProblemItem } from '../api/client';
import { useMe } from '../auth/session.context';
import { pickText } from '../forms/localize-form';
import { useLocale } from '../i18n/locale.context';
import type { MessageKey } from '../i18n/messages';
import { PageTitle } from '../shell/app-shell';
import { useDirectory } from '../shell/directory';
import { useToast } from '../shell/toast';
import {
  type CommissionResult,
  type CommissionRule,
  type CommissionRuleView,
  collabApi,
  formatAmount,
  formatRatio,
  monthOf,
} from './collab.api';
import { MonthPicker } from './performance.page';
import { segment, showProblemOnFields } from './problem-fields';
import './collab.css';

interface RuleValues {
  effectiveFrom: string;
  method: 'marginal' | 'flat';
  tiers: { from: string; percent: string }[];
  minAttainment: string;
  cap: string;
}

// The shape of a number only; the server checks the rest (order, the first tier, at most 100 %)
// and its answers are shown under the fields like these.
const DECIMAL = /^(0|[1-9]\d{0,15})(\.\d{1,6})?$/;

const EMPTY_RULE: CommissionRule = {
  method: 'marginal',
  tiers: [
    { from: '0', percent: '1' },
    { from: '50000', percent: '2' },
  ],
};

function toValues(rule: CommissionRule, effectiveFrom: string): RuleValues {
  return {
    effectiveFrom,
    method: rule.method ?? 'marginal',
    tiers: rule.tiers.map((x) => ({ ...x })),
    minAttainment: rule.minAttainment ?? '',
    cap: rule.cap ?? '',
  };
}

function toRule(v: RuleValues): CommissionRule {
  return {
    method: v.method,
    tiers: (v.tiers ?? []).map((x) => ({ from: (x.from ?? '').trim(), percent: (x.percent ?? '').trim() })),
    ...(v.minAttainment?.trim() ? { minAttainment: v.minAttainment.trim() } : {}),
    ...(v.cap?.trim() ? { cap: v.cap.trim() } : {}),
  };
}

/** Where a problem of PUT /api/teams/:id/commission-rule shows in the form. */
function fieldOf(s: string[]): (string | number)[] | null {
  if (s[0] === 'effectiveFrom') return ['effectiveFrom'];
  if (s[0] !== 'rule') return null;
  if (s[1] === 'tiers' && s.length === 4) return ['tiers', segment(s[2]!), s[3]!];
  if (s.length === 2 && ['method', 'minAttainment', 'cap'].includes(s[1]!)) return [s[1]!];
  return null;
}

/** A team's rule in a line per tier. */
function RuleSummary({ rule, currency }: { rule: CommissionRule; currency: string }) {
  const { t, locale } = useLocale();
  return (
    <span>
      {t(`perfRuleMethod.${rule.method ?? 'marginal'}` as MessageKey)}
      {rule.tiers.map((x) => (
        <span key={x.from}>
          {' · '}
          {t('perfRuleTier', { from: formatAmount(locale, x.from, currency), percent: x.percent })}
        </span>
      ))}
      {rule.minAttainment && ` · ${t('perfRuleMin', { value: formatRatio(locale, rule.minAttainment) })}`}
      {rule.cap && ` · ${t('perfRuleCap', { value: formatAmount(locale, rule.cap, currency) })}`}
    </span>
  );
}

/** Try the rule being edited on an amount, with the server's exact arithmetic. */
function Preview({ rule, currency }: { rule: () => CommissionRule; currency: string }) {
  const { t, locale } = useLocale();
  const [collected, setCollected] = useState('80000');
  const [target, setTarget] = useState('');
  const [result, setResult] = useState<CommissionResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    try {
      setResult(await collabApi.previewCommission(rule(), collected.trim(), target.trim() || null));
      setError(null);
    } catch {
      // The rule or an amount is not valid yet: the editor's own checks say where.
      setResult(null);
      setError(t('commPreviewFailed'));
    }
  };
  return (
    <Card size="small" title={t('commPreview')} data-testid="commission-preview">
      <Space wrap>
        <Input
          aria-label={t('commPreviewCollected')}
          addonBefore={t('commPreviewCollected')}
          value={collected}
          onChange={(e) => setCollected(e.target.value)}
          style={{ width: 240 }}
          inputMode="decimal"
        />
        <Input
          aria-label={t('commPreviewTarget')}
          addonBefore={t('commPreviewTarget')}
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          style={{ width: 240 }}
          inputMode="decimal"
        />
        <Button onClick={run}>{t('commPreviewRun')}</Button>
      </Space>
      {error && <Alert type="warning" showIcon title={error} style={{ marginTop: 8 }} />}
      {result && (
        <div style={{ marginTop: 8 }} data-testid="commission-preview-result">
          <strong>{t('commPreviewResult', { amount: formatAmount(locale, result.amount, currency) })}</strong>
          {result.note && (
            <span className="cf-muted"> ({t(result.note === 'capped' ? 'perfCapped' : 'perfBelowMin')})</span>
          )}
          <div className="cf-muted">
            {result.tiers
              .filter((x) => x.base !== '0.00')
              .map((x) =>
                t('commPreviewTier', {
                  base: formatAmount(locale, x.base, currency),
                  percent: x.percent,
                  amount: formatAmount(locale, x.amount, currency),
                }),
              )
              .join('；')}
          </div>
        </div>
      )}
    </Card>
  );
}

/**
 * Per-team commission rules for managers: the rule in force and its history, an editor whose
 * problems (from the browser or the server) show under the fields, and a try-it preview.
 */
export default function CommissionPage() {
  const { t, locale, formatDateTime } = useLocale();
  const me = useMe();
  const { teams } = useDirectory();
  const { message } = useToast();
  const [params, setParams] = useSearchParams();
  const [form] = Form.useForm<RuleValues>();
  const [history, setHistory] = useState<CommissionRuleView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refused, setRefused] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  // Amounts are shown in the server's currency; the team review knows it.
  const [currency, setCurrency] = useState('CNY');
  const teamId =
    params.get('team') ?? teams.find((x) => me.teamIds.includes(x.id))?.id ?? teams[0]?.id ?? null;

  const load = useCallback(async () => {
    if (!teamId) return;
    try {
      const [rules, review] = await Promise.all([
        collabApi.commissionRules(teamId),
        collabApi.teamPerformance(teamId, monthOf(new Date())).catch(() => null),
      ]);
      if (review) setCurrency(review.currency);
      setHistory(rules.items);
      setError(null);
      const current = rules.items[0];
      form.resetFields();
      form.setFieldsValue(toValues(current?.rule ?? EMPTY_RULE, monthOf(new Date())));
    } catch (e) {
      setHistory([]);
      setError((e as Error).message);
    }
  }, [teamId, form]);
  useEffect(() => {
    setHistory(null);
    setRefused([]);
    void load();
  }, [load]);

  const word = (item: ProblemItem) => {
    const key = `commErr.${item.keyword}` as MessageKey;
    return item.keyword && key in KNOWN ? t(key) : item.message;
  };

  const save = async () => {
    if (!teamId) return;
    let values: RuleValues;
    try {
      values = await form.validateFields();
    } catch {
      return; // the form shows what is wrong next to each field
    }
    setBusy(true);
    setRefused([]);
    try {
      await collabApi.putCommissionRule(teamId, values.effectiveFrom, toRule(values));
      message.success(t('commSaved'));
      await load();
    } catch (e) {
      setRefused(showProblemOnFields(form, e, fieldOf, word));
    } finally {
      setBusy(false);
    }
  };

  const decimal = (messageKey: MessageKey, required: boolean) => [
    { required, whitespace: true, message: t('commErr.required') },
    { pattern: DECIMAL, message: t(messageKey) },
  ];

  return (
    <div data-testid="commission-page">
      <PageTitle
        extra={
          <Select
            aria-label={t('perfChooseTeam')}
            style={{ minWidth: 160 }}
            value={teamId ?? undefined}
            onChange={(id) => setParams({ team: id })}
            options={teams.map((x) => ({ value: x.id, label: pickText(x.name, locale, x.id) }))}
            data-testid="team-select"
          />
        }
      >
        {t('commTitle')}
      </PageTitle>
      <Alert type="info" showIcon title={t('commIntro')} style={{ marginBottom: 16 }} />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {teams.length === 0 ? (
        <Empty description={t('perfNoTeams')} />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={14}>
            <Card size="small" title={t('commEdit')} data-testid="commission-editor">
              {refused.length > 0 && (
                <Alert
                  type="error"
                  showIcon
                  title={t('commRefused', { reason: refused.join('; ') })}
                  style={{ marginBottom: 12 }}
                />
              )}
              <Form form={form} layout="vertical" disabled={history === null}>
                <Space size="large" wrap align="start">
                  <Form.Item
                    name="effectiveFrom"
                    label={t('commEffectiveFrom')}
                    rules={[{ required: true, message: t('commErr.required') }]}
                  >
                    <EffectiveFrom />
                  </Form.Item>
                  <Form.Item name="method" label={t('perfRuleMethod')}>
                    <Radio.Group
                      optionType="button"
                      options={[
                        { value: 'marginal', label: t('perfRuleMethod.marginal') },
                        { value: 'flat', label: t('perfRuleMethod.flat') },
                      ]}
                    />
                  </Form.Item>
                </Space>
                <div className="cf-comm-tiers-head">{t('commTiers')}</div>
                <Form.List name="tiers">
                  {(fields, { add, remove }) => (
                    <div data-testid="commission-tiers">
                      {fields.map((field, i) => (
                        <div key={field.key} className="cf-comm-tier">
                          <span className="cf-comm-tier-n">{t('perfTier', { n: i + 1 })}</span>
                          <Form.Item
                            name={[field.name, 'from']}
                            label={t('commFrom')}
                            rules={decimal('commErr.decimal', true)}
                          >
                            <Input
                              aria-label={`${t('perfTier', { n: i + 1 })} ${t('commFrom')}`}
                              suffix={currency}
                              inputMode="decimal"
                            />
                          </Form.Item>
                          <Form.Item
                            name={[field.name, 'percent']}
                            label={t('commPercent')}
                            rules={decimal('commErr.decimal', true)}
                          >
                            <Input
                              aria-label={`${t('perfTier', { n: i + 1 })} ${t('commPercent')}`}
                              suffix="%"
                              inputMode="decimal"
                            />
                          </Form.Item>
                          <Button
                            type="text"
                            danger
                            icon={<DeleteOutlined />}
                            disabled={fields.length <= 1}
                            aria-label={t('commRemoveTier', { n: i + 1 })}
                            title={t('commRemoveTier', { n: i + 1 })}
                            onClick={() => remove(field.name)}
                            className="cf-comm-tier-remove"
                          />
                        </div>
                      ))}
                      <Button
                        type="dashed"
                        icon={<PlusOutlined />}
                        disabled={fields.length >= 20}
                        onClick={() => add({ from: '', percent: '' })}
                        style={{ marginBottom: 16 }}
                      >
                        {t('commAddTier')}
                      </Button>
                    </div>
                  )}
                </Form.List>
                <Space size="large" wrap align="start">
                  <Form.Item
                    name="minAttainment"
                    label={t('commMinAttainment')}
                    style={{ width: 260 }}
                    extra={t('commMinHint')}
                    rules={decimal('commErr.decimal', false)}
                  >
                    <Input placeholder={t('commOptional')} inputMode="decimal" style={{ width: 200 }} />
                  </Form.Item>
                  <Form.Item
                    name="cap"
                    label={t('commCap')}
                    style={{ width: 260 }}
                    extra={t('commCapHint')}
                    rules={decimal('commErr.decimal', false)}
                  >
                    <Input
                      placeholder={t('commOptional')}
                      suffix={currency}
                      inputMode="decimal"
                      style={{ width: 200 }}
                    />
                  </Form.Item>
                </Space>
                <div>
                  <Button type="primary" loading={busy} onClick={save} data-testid="commission-save">
                    {t('commSave')}
                  </Button>
                </div>
              </Form>
            </Card>
          </Col>
          <Col xs={24} xl={10}>
            <Space orientation="vertical" size={16} style={{ width: '100%' }}>
              <Preview rule={() => toRule(form.getFieldsValue(true) as RuleValues)} currency={currency} />
              <Card size="small" title={t('commHistory')}>
                <Table<CommissionRuleView>
                  size="small"
                  rowKey={(r) => r.effectiveFrom}
                  loading={history === null}
                  dataSource={history ?? []}
                  pagination={{ pageSize: 6, hideOnSinglePage: true }}
                  data-testid="commission-history"
                  locale={{ emptyText: t('perfRuleNone') }}
                  columns={[
                    { title: t('commEffectiveFrom'), key: 'from', dataIndex: 'effectiveFrom', width: 96 },
                    {
                      title: t('perfRule'),
                      key: 'rule',
                      render: (_, r) => <RuleSummary rule={r.rule} currency={currency} />,
                    },
                    {
                      title: t('commUpdated'),
                      key: 'at',
                      width: 150,
                      render: (_, r) => formatDateTime(r.updatedAt),
                    },
                  ]}
                />
              </Card>
            </Space>
          </Col>
        </Row>
      )}
    </div>
  );
}

/** The month a rule applies from (future months too: a rule can be set ahead). */
function EffectiveFrom({ value, onChange }: { value?: string; onChange?: (v: string) => void }) {
  return <MonthPicker value={value ?? monthOf(new Date())} onChange={(v) => onChange?.(v)} future />;
}

/** The problem keywords the page words itself (others show the server's text). */
const KNOWN = {
  'commErr.decimal': 1,
  'commErr.maximum': 1,
  'commErr.first_zero': 1,
  'commErr.ascending': 1,
  'commErr.tiers': 1,
};
