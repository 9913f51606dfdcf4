import { EditOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Select, Skeleton, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useApi } from '../api/use-api';
import { useSession } from '../auth/session.context';
import { useLocale } from '../i18n/locale.context';
import { PageTitle } from '../shell/app-shell';
import { Outcome } from '../shell/outcome';
import { NoDashboardAccess } from './dashboard.access';
import { DrillDrawer, type DrillTarget } from './dashboard.drill';
import { FiltersBar, type FilterValues } from './dashboard.filters';
import { localized } from './dashboard.format';
import type { Dashboard, DataPoint, WidgetSpec } from './dashboard.types';
import {
  DashboardGrid,
  filterValuesOf,
  observedValues,
  searchOf,
  useDashboardData,
  useLabeler,
  useWidgetLabelers,
} from './dashboard.view';
import { WidgetView } from './dashboard.widget';

const REFRESH_CHOICES = [0, 60, 300, 900];

/** A stored dashboard rendered from its definition, with its filters, refresh and drill-down. */
export default function DashboardPage() {
  const { can } = useSession();
  if (!can('dashboards.view')) return <NoDashboardAccess />;
  return <DashboardView />;
}

function DashboardView() {
  const { key = '' } = useParams();
  const { t, locale, formatDateTime, formatDate } = useLocale();
  const { can } = useSession();
  const [search, setSearch] = useSearchParams();
  const versionText = search.get('version');
  const version = versionText && /^\d+$/.test(versionText) ? Number(versionText) : undefined;
  const values = useMemo(() => filterValuesOf(search), [search]);
  const dashboard = useApi<Dashboard>(
    `/api/dashboards/${encodeURIComponent(key)}${version ? `?version=${version}` : ''}`,
  );
  const definition = dashboard.data?.definition;
  const { data, error, refreshing, reload } = useDashboardData(key, version, values);
  const baseLabel = useLabeler();
  const labelFor = useWidgetLabelers(definition?.widgets, baseLabel);
  const [drill, setDrill] = useState<DrillTarget | null>(null);
  const onDrill = useCallback((widget: WidgetSpec, point: DataPoint) => setDrill({ widget, point }), []);

  const [refreshEvery, setRefreshEvery] = useState<number | null>(null);
  const interval =
    refreshEvery ??
    (definition?.refreshSeconds && REFRESH_CHOICES.includes(definition.refreshSeconds)
      ? definition.refreshSeconds
      : 0);
  useEffect(() => {
    if (!interval) return;
    const timer = setInterval(() => void reload(), interval * 1000);
    return () => clearInterval(timer);
  }, [interval, reload]);

  const observed = useMemo(
    () => (definition ? observedValues(definition, data?.widgets) : new Map<string, Set<string>>()),
    [definition, data],
  );
  const setValues = (next: FilterValues) => setSearch(searchOf(next, version), { replace: true });
  const currency = data?.filters.values.currency?.[0];

  if (dashboard.error)
    return dashboard.error.status === 403 ? (
      <NoDashboardAccess />
    ) : (
      <Outcome
        status="error"
        testId="dashboard-missing"
        title={
          dashboard.error.status === 404 ? t('notFound') : t('failed', { detail: dashboard.error.message })
        }
        extra={
          <Link to="/dashboards">
            <Button>{t('dashListTitle')}</Button>
          </Link>
        }
      />
    );
  if (!definition || !dashboard.data) return <Skeleton active />;

  return (
    <div className="cf-dash" data-testid="dashboard" data-version={dashboard.data.version}>
      <PageTitle
        extra={
          <Space wrap>
            {data && (
              <Typography.Text type="secondary" data-testid="dashboard-generated">
                {data.filters.period
                  ? `${t('dashPeriod', { from: formatDate(data.filters.period.from), to: formatDate(data.filters.period.to) })} · `
                  : ''}
                {t('dashUpdatedAt', { time: formatDateTime(data.generatedAt) })}
              </Typography.Text>
            )}
            <Select
              aria-label={t('dashAutoRefresh')}
              data-testid="auto-refresh"
              style={{ width: 200 }}
              value={interval}
              prefix={t('dashAutoRefresh')}
              options={REFRESH_CHOICES.map((s) => ({
                value: s,
                label: s === 0 ? t('dashRefreshOff') : t('dashRefreshMinutes', { n: s / 60 }),
              }))}
              onChange={(v: number) => setRefreshEvery(v)}
            />
            <Button icon={<ReloadOutlined />} loading={refreshing} onClick={() => void reload()}>
              {t('dashRefresh')}
            </Button>
            {can('dashboards.edit') && !version && (
              <Link
                to={`/dashboards/${encodeURIComponent(key)}/edit${search.size > 0 ? `?${searchOf(values, undefined)}` : ''}`}
              >
                <Button icon={<EditOutlined />} data-testid="edit-dashboard">
                  {t('dashEdit')}
                </Button>
              </Link>
            )}
          </Space>
        }
      >
        {localized(definition.title, locale, key)}
        {version && (
          <Tag color="orange" style={{ marginInlineStart: 8, verticalAlign: 'middle' }}>
            {t('dashVersionShown', { version })}
          </Tag>
        )}
      </PageTitle>
      {definition.description && (
        <Typography.Paragraph type="secondary" className="cf-dash-description">
          {localized(definition.description, locale)}
        </Typography.Paragraph>
      )}
      {version && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('dashVersionShown', { version })}
          action={<Link to={`/dashboards/${encodeURIComponent(key)}`}>{t('dashShowLatest')}</Link>}
        />
      )}
      {(definition.filters ?? []).length > 0 && (
        <FiltersBar
          filters={definition.filters ?? []}
          values={values}
          applied={data?.filters}
          observed={observed}
          onChange={setValues}
        />
      )}
      {error && (
        <Alert
          type="error"
          showIcon
          role="alert"
          style={{ marginBottom: 12 }}
          data-testid="dashboard-error"
          title={error.problem.detail ?? error.code}
          description={error.errors.map((e) => e.message).join('; ') || undefined}
        />
      )}
      <DashboardGrid definition={definition}>
        {definition.widgets.map((widget) => (
          <WidgetView
            key={widget.id}
            dashboardKey={key}
            widget={widget}
            data={
              error
                ? { id: widget.id, type: widget.type, error: error.problem }
                : data?.widgets.find((w) => w.id === widget.id)
            }
            currency={currency}
            label={labelFor(widget)}
            onDrill={onDrill}
          />
        ))}
      </DashboardGrid>
      <DrillDrawer
        dashboardKey={key}
        version={version}
        filters={values}
        target={drill}
        onClose={() => setDrill(null)}
      />
    </div>
  );
}
