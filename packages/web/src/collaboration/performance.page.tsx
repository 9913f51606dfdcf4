import { Alert, Card, Col, DatePicker, Empty, Progress, Row, Spin, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { type ReactNode, useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { useLocale } from '../i18n/locale.context';
import { PageTitle } from '../shell/app-shell';
import { useDirectory } from '../shell/directory';
import {
  type CommissionResult,
  collabApi,
  formatAmount,
  formatRatio,
  type MyPerformance,
  monthOf,
} from './collab.api';
import './collab.css';
import '../i18n/dayjs-locale';

/** A month picker bound to "YYYY-MM". */
export function MonthPicker({
  value,
  onChange,
  future = false,
}: {
  value: string;
  onChange: (period: string) => void;
  /** Offer months after this one (a rule set ahead); figures exist only up to now. */
  future?: boolean;
}) {
  const { t } = useLocale();
  return (
    <DatePicker
      picker="month"
      allowClear={false}
      aria-label={t('perfPeriod')}
      value={dayjs(`${value}-01`)}
      onChange={(d) => d && onChange(d.format('YYYY-MM'))}
      disabledDate={future ? undefined : (d) => d.isAfter(dayjs().endOf('month'))}
      data-testid="period"
    />
  );
}

/** Attainment as a bar: 0–100 % shown, anything above is a full green bar. */
export function AttainmentBar({ ratio }: { ratio: string | null }) {
  const { locale } = useLocale();
  if (ratio === null) return <span>—</span>;
  const pct = Number(ratio) * 100;
  return (
    <Progress
      percent={Math.min(100, Math.round(pct * 10) / 10)}
      status={pct >= 100 ? 'success' : 'normal'}
      format={() => formatRatio(locale, ratio)}
      size="small"
    />
  );
}

export function CommissionNote({ result }: { result: CommissionResult | null }) {
  const { t } = useLocale();
  if (!result?.note) return null;
  return (
    <Tag color={result.note === 'capped' ? 'gold' : 'orange'}>
      {result.note === 'capped' ? t('perfCapped') : t('perfBelowMin')}
    </Tag>
  );
}

function Figure({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  return (
    <Col xs={24} sm={12} lg={8} xl={{ flex: '20%' }}>
      <Card size="small" data-testid={testId}>
        <div className="cf-muted" style={{ fontSize: 14, marginBottom: 4 }}>
          {title}
        </div>
        {children}
      </Card>
    </Col>
  );
}

/** "My performance": the logged-in user's month against target, promises, contacts, rank, commission. */
export default function MyPerformancePage() {
  const { t, locale } = useLocale();
  const { teamName } = useDirectory();
  const [period, setPeriod] = useState(() => monthOf(new Date()));
  const [data, setData] = useState<MyPerformance | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setData(null);
    collabApi.myPerformance(period).then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(null);
      },
      (e: unknown) => live && setError(e instanceof ApiError ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [period]);

  const me = data?.me;
  return (
    <div data-testid="my-performance">
      <PageTitle extra={<MonthPicker value={period} onChange={setPeriod} />}>{t('perfMyTitle')}</PageTitle>
      {error && <Alert type="error" showIcon title={error} />}
      {!data || !me ? (
        !error && <Spin />
      ) : (
        <>
          <p className="cf-muted">
            {data.teamId
              ? `${t('perfTeam')}${t('collabColon')}${teamName(data.teamId)} · `
              : `${t('perfNoTeam')} · `}
            {t('perfTz', { tz: data.timeZone })}
          </p>
          <Row gutter={[16, 16]} className="cf-perf-cards">
            <Figure title={t('perfCollected')} testId="perf-collected">
              <div style={{ fontSize: 24 }}>
                {formatAmount(locale, me.collected.amount, me.collected.currency)}
              </div>
              <div className="cf-muted">
                {t('perfTarget')}
                {t('collabColon')}
                {me.target ? formatAmount(locale, me.target.amount, me.target.currency) : t('perfNoTarget')} ·{' '}
                {t('perfPayments', { count: me.collected.payments })}
              </div>
              <AttainmentBar ratio={me.attainment} />
            </Figure>
            <Figure title={t('perfPromisesKept')} testId="perf-promises">
              <div style={{ fontSize: 24 }}>
                {t('perfPromisesKeptOf', { kept: me.promises.kept, due: me.promises.due })}
              </div>
              <div className="cf-muted">
                {t('perfKeptRate')}
                {t('collabColon')}
                {formatRatio(locale, me.promises.keptRate)}
              </div>
            </Figure>
            <Figure title={t('perfContacts')} testId="perf-contacts">
              <div style={{ fontSize: 24 }}>{me.contacts.attempts}</div>
              <div className="cf-muted">
                {t('perfRightParty')}
                {t('collabColon')}
                {me.contacts.rightParty}
              </div>
            </Figure>
            <Figure title={t('perfRank')} testId="perf-rank">
              <div style={{ fontSize: 24 }}>
                {me.rank === null ? t('perfNoRank') : t('perfRankOf', { rank: me.rank, size: data.teamSize })}
              </div>
            </Figure>
            <Figure title={t('perfCommission')} testId="perf-commission">
              <div style={{ fontSize: 24 }}>
                {me.commission
                  ? formatAmount(locale, me.commission.amount, me.collected.currency)
                  : t('perfNoCommission')}
              </div>
              <CommissionNote result={me.commission} />
            </Figure>
          </Row>
          {me.commission && me.commission.tiers.length > 0 && (
            <Card size="small" title={t('perfBreakdown')} style={{ marginTop: 16 }}>
              <CommissionBreakdown result={me.commission} currency={me.collected.currency} />
            </Card>
          )}
        </>
      )}
    </div>
  );
}

export function CommissionBreakdown({ result, currency }: { result: CommissionResult; currency: string }) {
  const { t, locale } = useLocale();
  if (result.tiers.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <Table
      size="small"
      rowKey="from"
      pagination={false}
      dataSource={result.tiers}
      columns={[
        {
          title: t('perfRule'),
          key: 'tier',
          render: (_, tier) =>
            `${formatAmount(locale, tier.from, currency)} – ${tier.to ? formatAmount(locale, tier.to, currency) : '∞'} · ${tier.percent}%`,
        },
        {
          title: t('perfTierBase'),
          key: 'base',
          render: (_, tier) => formatAmount(locale, tier.base, currency),
        },
        {
          title: t('perfCommission'),
          key: 'amount',
          align: 'right',
          render: (_, tier) => formatAmount(locale, tier.amount, currency),
        },
      ]}
    />
  );
}
