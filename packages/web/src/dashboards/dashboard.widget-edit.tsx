import { Alert } from 'antd';
import { useMemo } from 'react';
import { useLocale } from '../i18n/locale.context';
import { reopenWidget, replaceWidget } from './dashboard.builder-reopen';
import type { FilterValues } from './dashboard.filters';
import type { DashboardDefinition, WidgetData, WidgetSpec } from './dashboard.types';
import { WidgetBuilder } from './dashboard.widget-builder';

/**
 * A saved widget reopened: the builder pre-filled when it can express the widget, saving in place;
 * otherwise the widget's JSON, read-only, with the reasons.
 */
export function WidgetEdit({
  definition,
  widget,
  values,
  onSave,
}: {
  definition: DashboardDefinition;
  widget: WidgetSpec;
  values: FilterValues;
  onSave(widget: WidgetSpec, preview: WidgetData | null): void;
}) {
  const { t } = useLocale();
  const reopened = useMemo(
    () => reopenWidget(widget, definition.filters ?? []),
    [widget, definition.filters],
  );
  if (reopened.ok)
    return (
      <WidgetBuilder
        definition={definition}
        values={values}
        initial={{ state: reopened.state, title: widget.title }}
        onSave={(built, preview) => onSave(replaceWidget(widget, built), preview)}
      />
    );
  return (
    <div data-testid="widget-json">
      <Alert
        type="info"
        showIcon
        data-testid="widget-json-note"
        title={t('dashReopenTitle')}
        description={
          <>
            <ul className="cf-dash-problems">
              {reopened.reasons.map((reason) => (
                <li key={reason}>{t(reason)}</li>
              ))}
            </ul>
            {t('dashReopenNote')}
          </>
        }
        style={{ marginBottom: 12 }}
      />
      <figure className="cf-dash-json-figure">
        <figcaption className="cf-dash-builder-heading">{t('dashWidgetJson')}</figcaption>
        <pre className="cf-dash-json">{JSON.stringify(widget, null, 2)}</pre>
      </figure>
    </div>
  );
}
