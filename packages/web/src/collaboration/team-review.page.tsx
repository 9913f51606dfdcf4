import { AimOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  Modal,
  Row,
  Select,
  Spin,
  Table,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../api/client';
import { useMe } from '../auth/session.context';
import { pickText } from '../forms/localize-form';
import { useLocale } from '../i18n/locale.context';
import type { MessageKey } from '../i18n/messages';
import { PageTitle } from '../shell/app-shell';
import { useDirectory } from '../shell/directory';
import { useToast } from '../shell/toast';
import {
  collabApi,
  formatAmount,
  formatRatio,
  type MemberPerformance,
  monthOf,
  type TeamPerformance,
} from './collab.api';
import { AttainmentBar, CommissionNote, MonthPicker } from './performance.page';
import './collab.css';

const AMOUNT = /^\d{1,12}(\.\d{1,2})?$/;

/** Targets for the team and each member; blank keeps no target. */
function TargetsDialog({
  review,
  open,
  onClose,
  onSaved,
}: {
  review: TeamPerformance;
  open: boolean;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, locale } = useLocale();
  const { message } = useToast();
  const [form] = Form.useForm<Record<string, string>>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!open) return;
    form.setFieldsValue({
      team: review.target?.amount ?? '',
      ...Object.fromEntries(review.members.map((m) => [m.userId, m.target?.amount ?? ''])),
    });
  }, [open, review, form]);
  const save = async () => {
    let values: Record<string, string>;
    try {
      values = await form.validateFields();
    } catch {
      // The form shows what is wrong next to each field.
      return;
    }
    const targets = Object.entries(values)
      .filter(([, amount]) => typeof amount === 'string' && amount.trim() !== '')
      .map(([key, amount]) => ({
        scope: key === 'team' ? ('team' as const) : ('user' as const),
        subjectId: key === 'team' ? review.team.id : key,
        amount: amount.trim(),
        currency: review.currency,
      }));
    if (targets.length === 0) {
      onClose();
      return;
    }
    setBusy(true);
    try {
      await collabApi.putTargets(review.period, targets);
      message.success(t('perfTargetsSaved'));
      onSaved();
      onClose();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const rule = [{ pattern: AMOUNT, message: `${t('perfTargetAmount')}: 0.00` }];
  return (
    <Modal
      open={open}
      title={`${t('perfEditTargets')} · ${pickText(review.team.name, locale, review.team.id)} · ${review.period}`}
      onCancel={onClose}
      onOk={save}
      okText={t('save')}
      cancelText={t('cancel')}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Form form={form} layout="horizontal" labelCol={{ span: 10 }} wrapperCol={{ span: 14 }}>
        <Form.Item name="team" label={t('perfTeamTarget')} rules={rule}>
          <Input suffix={review.currency} inputMode="decimal" />
        </Form.Item>
        {review.members.map((m) => (
          <Form.Item
            key={m.userId}
            name={m.userId}
            label={m.displayName ?? m.username ?? m.userId}
            rules={rule}
          >
            <Input suffix={review.currency} inputMode="decimal" />
          </Form.Item>
        ))}
      </Form>
    </Modal>
  );
}

/** The team review for managers: each collector's month, the totals, and the commission rule. */
export default function TeamReviewPage() {
  const { t, locale } = useLocale();
  const me = useMe();
  const { teams } = useDirectory();
  const [period, setPeriod] = useState(() => monthOf(new Date()));
  const [teamId, setTeamId] = useState<string | null>(null);
  const [review, setReview] = useState<TeamPerformance | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);

  useEffect(() => {
    if (teamId === null && teams.length > 0)
      setTeamId(teams.find((x) => me.teamIds.includes(x.id))?.id ?? teams[0]!.id);
  }, [teams, teamId, me.teamIds]);

  const load = useCallback(async () => {
    if (!teamId) return;
    try {
      setReview(await collabApi.teamPerformance(teamId, period));
      setError(null);
    } catch (e) {
      setReview(null);
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }, [teamId, period]);
  useEffect(() => {
    setReview(null);
    void load();
  }, [load]);

  const money = (amount: string | null | undefined) => formatAmount(locale, amount, review?.currency);
  const rule = review?.commissionRule?.rule;

  return (
    <div data-testid="team-review">
      <PageTitle
        extra={
          <>
            <Select
              aria-label={t('perfChooseTeam')}
              style={{ minWidth: 160 }}
              value={teamId ?? undefined}
              onChange={setTeamId}
              options={teams.map((x) => ({ value: x.id, label: pickText(x.name, locale, x.id) }))}
              data-testid="team-select"
            />
            <MonthPicker value={period} onChange={setPeriod} />
            <Button icon={<AimOutlined />} disabled={!review} onClick={() => setEditing(true)}>
              {t('perfEditTargets')}
            </Button>
          </>
        }
      >
        {t('perfTeamTitle')}
      </PageTitle>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {teams.length === 0 ? (
        <Empty description={t('perfNoTeams')} />
      ) : !review ? (
        !error && <Spin />
      ) : (
        <>
          <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
            <Col xs={24} lg={12}>
              <Card size="small" title={t('perfTeamTotal')} data-testid="team-totals">
                <Descriptions size="small" column={2}>
                  <Descriptions.Item label={t('perfCollected')}>
                    {money(review.totals.collected)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('perfTeamTarget')}>
                    {review.target ? money(review.target.amount) : t('perfNoTarget')}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('perfAttainment')}>
                    {formatRatio(locale, review.totals.attainment)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('perfPromisesKept')}>
                    {review.totals.promisesKept}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('perfContacts')}>{review.totals.contacts}</Descriptions.Item>
                  <Descriptions.Item label={t('perfCommission')}>
                    {money(review.totals.commission)}
                  </Descriptions.Item>
                </Descriptions>
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card
                size="small"
                title={t('perfRule')}
                data-testid="commission-rule"
                extra={
                  <Link to={`/performance/commission?team=${encodeURIComponent(review.team.id)}`}>
                    {t('commEdit')}
                  </Link>
                }
              >
                {rule ? (
                  <Descriptions size="small" column={1}>
                    <Descriptions.Item label={t('perfRuleMethod')}>
                      {t(`perfRuleMethod.${rule.method ?? 'marginal'}` as MessageKey)}
                    </Descriptions.Item>
                    {rule.tiers.map((tier, i) => (
                      <Descriptions.Item key={tier.from} label={t('perfTier', { n: i + 1 })}>
                        {t('perfRuleTier', { from: money(tier.from), percent: tier.percent })}
                      </Descriptions.Item>
                    ))}
                    {rule.minAttainment && (
                      <Descriptions.Item label={t('perfAttainment')}>
                        {t('perfRuleMin', { value: formatRatio(locale, rule.minAttainment) })}
                      </Descriptions.Item>
                    )}
                    {rule.cap && (
                      <Descriptions.Item label={t('perfCommission')}>
                        {t('perfRuleCap', { value: money(rule.cap) })}
                      </Descriptions.Item>
                    )}
                  </Descriptions>
                ) : (
                  <span className="cf-muted">{t('perfRuleNone')}</span>
                )}
              </Card>
            </Col>
          </Row>
          <Card size="small">
            <Table<MemberPerformance>
              size="small"
              rowKey="userId"
              dataSource={review.members}
              pagination={false}
              scroll={{ x: 'max-content' }}
              data-testid="team-members"
              locale={{ emptyText: t('nothingYet') }}
              columns={[
                { title: t('perfRankShort'), key: 'rank', width: 64, render: (_, m) => m.rank ?? '—' },
                {
                  title: t('perfMember'),
                  key: 'name',
                  render: (_, m) => m.displayName ?? m.username ?? m.userId,
                },
                {
                  title: t('perfCollected'),
                  key: 'collected',
                  align: 'right',
                  render: (_, m) => money(m.collected.amount),
                },
                {
                  title: t('perfTarget'),
                  key: 'target',
                  align: 'right',
                  render: (_, m) => (m.target ? money(m.target.amount) : '—'),
                },
                {
                  title: t('perfAttainment'),
                  key: 'attainment',
                  width: 160,
                  render: (_, m) => <AttainmentBar ratio={m.attainment} />,
                },
                {
                  title: t('perfPromisesKept'),
                  key: 'promises',
                  render: (_, m) => t('perfPromisesKeptOf', { kept: m.promises.kept, due: m.promises.due }),
                },
                {
                  title: t('perfContacts'),
                  key: 'contacts',
                  render: (_, m) =>
                    `${m.contacts.attempts} (${t('perfRightParty')} ${m.contacts.rightParty})`,
                },
                {
                  title: t('perfCommission'),
                  key: 'commission',
                  align: 'right',
                  render: (_, m) => (
                    <span>
                      {m.commission ? money(m.commission.amount) : '—'}{' '}
                      <CommissionNote result={m.commission} />
                    </span>
                  ),
                },
              ]}
            />
          </Card>
          <TargetsDialog review={review} open={editing} onClose={() => setEditing(false)} onSaved={load} />
        </>
      )}
    </div>
  );
}
