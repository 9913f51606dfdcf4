import { Alert } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, api } from '../api/client';
import { useLocale } from '../i18n/locale.context';
import type { BuilderProblem } from './dashboard.builder-model';
import type { FilterValues } from './dashboard.filters';
import type { DashboardDefinition, QuerySpec, WidgetData, WidgetSpec } from './dashboard.types';
import { useLabeler, useWidgetLabelers } from './dashboard.view';
import { WidgetView } from './dashboard.widget';

export interface PreviewState {
  data?: WidgetData;
  error?: ApiError;
  loading: boolean;
}

/**
 * The query's answer from POST /api/dashboards/query under the dashboard's filters, a moment after
 * the last change; for one number (a KPI, a gauge), its value and its change against the previous
 * period, as the dashboard shows them.
 */
export function usePreview(
  widget: Pick<WidgetSpec, 'query' | 'value' | 'compare'> | null,
  definition: DashboardDefinition,
  values: FilterValues,
): PreviewState {
  const [preview, setPreview] = useState<PreviewState>({ loading: false });
  const ticket = useRef(0);
  const queryText = widget
    ? JSON.stringify({
        query: widget.query,
        ...(widget.value !== undefined
          ? { kpi: { value: widget.value, ...(widget.compare ? { compare: widget.compare } : {}) } }
          : {}),
      })
    : '';
  useEffect(() => {
    const mine = ++ticket.current;
    if (!queryText) {
      setPreview({ loading: false });
      return;
    }
    setPreview((p) => ({ ...p, loading: true }));
    const timer = setTimeout(() => {
      api<WidgetData>('/api/dashboards/query', {
        method: 'POST',
        json: {
          ...(JSON.parse(queryText) as { query: QuerySpec }),
          filters: definition.filters ?? [],
          values,
          ...(definition.timeZone ? { timeZone: definition.timeZone } : {}),
        },
      }).then(
        (data) => mine === ticket.current && setPreview({ data, loading: false }),
        (e: unknown) =>
          mine === ticket.current &&
          setPreview({
            error:
              e instanceof ApiError
                ? e
                : new ApiError({ status: 0, code: 'client.error', detail: String(e) }),
            loading: false,
          }),
      );
    }, 300);
    return () => clearTimeout(timer);
  }, [queryText, definition.filters, definition.timeZone, values]);
  return preview;
}

/**
 * The preview: what the builder still needs, the server's problem (its detail and each error at
 * its pointer), or the widget as the dashboard will draw it.
 */
export function PreviewPane({
  definition,
  widget,
  preview,
  problems,
  currency,
}: {
  definition: DashboardDefinition;
  /** The currency money is shown in: the dashboard's currency filter. */
  currency: string | undefined;
  widget: WidgetSpec | null;
  preview: PreviewState;
  problems: readonly BuilderProblem[];
}) {
  const { t } = useLocale();
  const baseLabel = useLabeler();
  const labelFor = useWidgetLabelers(widget ? [widget] : undefined, baseLabel);
  const data = useMemo(
    () =>
      preview.data && !preview.loading && widget
        ? { ...preview.data, id: widget.id, type: widget.type }
        : undefined,
    [preview, widget],
  );
  const messages = [...new Set(problems.map((p) => t(p.message)))];
  return (
    <div
      className="cf-dash-preview"
      data-testid="builder-preview"
      data-loading={preview.loading ? 'true' : 'false'}
    >
      {!widget ? (
        <Alert
          type="info"
          showIcon
          data-testid="preview-hint"
          title={t('dashPreviewHint')}
          description={
            messages.length > 0 ? (
              <ul className="cf-dash-problems">
                {messages.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            ) : undefined
          }
        />
      ) : preview.error ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="preview-problem"
          title={preview.error.problem.detail ?? preview.error.code}
          description={
            preview.error.errors.length > 0 ? (
              <ul className="cf-dash-problems">
                {preview.error.errors.map((e) => (
                  <li key={`${e.pointer} ${e.message}`}>
                    {t('dashProblemAt', { where: e.pointer || '/', message: e.message })}
                  </li>
                ))}
              </ul>
            ) : undefined
          }
        />
      ) : (
        <WidgetView
          dashboardKey={definition.key}
          widget={widget}
          data={data}
          currency={currency}
          label={labelFor(widget)}
        />
      )}
    </div>
  );
}
