import { Alert, Button, Drawer, Space, Table, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, api, query } from '../api/client';
import { loadFormVersion } from '../api/forms.api';
import type { FormVersion, RecordView } from '../api/types';
import { FieldValue, formFields } from '../forms/field-display';
import { useLocale } from '../i18n/locale.context';
import { localized } from './dashboard.format';
import type { DataPoint, DrillPage, WidgetSpec } from './dashboard.types';

export interface DrillTarget {
  widget: WidgetSpec;
  point: DataPoint;
}

/**
 * The records behind a clicked data point (GET /api/dashboards/:key/widgets/:id/records) with the
 * dashboard's filters, in the columns the widget's definition names, newest first.
 */
export function DrillDrawer({
  dashboardKey,
  version,
  filters,
  target,
  onClose,
}: {
  dashboardKey: string;
  version: number | undefined;
  filters: Record<string, string | string[]>;
  target: DrillTarget | null;
  onClose(): void;
}) {
  const { t, locale } = useLocale();
  const [items, setItems] = useState<RecordView[]>([]);
  const [page, setPage] = useState<DrillPage | null>(null);
  const [form, setForm] = useState<FormVersion | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);

  const path = useMemo(() => {
    if (!target) return null;
    const at = Object.fromEntries(Object.entries(target.point.at).map(([k, v]) => [`at.${k}`, v]));
    const base = `/api/dashboards/${encodeURIComponent(dashboardKey)}/widgets/${encodeURIComponent(target.widget.id)}/records`;
    // An empty group is sent as an empty value, which query() would drop.
    const empties = Object.entries(at)
      .filter(([, v]) => v === '')
      .map(([k]) => `&${encodeURIComponent(k)}=`)
      .join('');
    const q = query({
      ...filters,
      ...at,
      ...(target.point.measure ? { measure: target.point.measure } : {}),
      ...(version ? { version } : {}),
      limit: 50,
    });
    return `${base}${q || '?'}${empties}`;
  }, [dashboardKey, filters, target, version]);

  const load = async (cursor: string | null) => {
    if (!path) return;
    setLoading(true);
    try {
      const next = await api<DrillPage>(cursor ? `${path}&cursor=${encodeURIComponent(cursor)}` : path);
      // The form's field titles first, so that the first rows show in their columns.
      if (!cursor) setForm(await loadFormVersion(next.form, null).catch(() => null));
      setPage(next);
      setItems((before) => (cursor ? [...before, ...next.items] : next.items));
      setError(null);
    } catch (e) {
      setError(
        e instanceof ApiError ? e : new ApiError({ status: 0, code: 'client.error', detail: String(e) }),
      );
    } finally {
      setLoading(false);
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the data point changes only
  useEffect(() => {
    setItems([]);
    setPage(null);
    setForm(null);
    if (path) void load(null);
  }, [path]);

  const fields = useMemo(() => (form ? formFields(form, locale) : []), [form, locale]);
  const shown = useMemo(() => {
    const wanted = page?.columns;
    if (wanted && wanted.length > 0) return wanted.flatMap((p) => fields.filter((f) => f.pointer === p));
    return fields.filter((f) => f.kind !== 'object' && f.kind !== 'array').slice(0, 6);
  }, [fields, page]);
  const recordLink = (record: RecordView) =>
    record.formKey === 'debt-case' ? `/cases/${record.id}` : `/records/${record.id}`;

  return (
    <Drawer
      open={target !== null}
      onClose={onClose}
      size={760}
      title={target ? t('dashDrillTitle', { widget: localized(target.widget.title, locale) }) : ''}
      destroyOnHidden
    >
      {target && (
        <div data-testid="drill-down">
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <Typography.Text type="secondary" data-testid="drill-point">
              {t('dashDrillPoint', { point: target.point.label })}
            </Typography.Text>
            {error && <Alert type="error" showIcon title={error.problem.detail ?? error.code} />}
            <Table
              size="small"
              rowKey="id"
              loading={loading}
              dataSource={items}
              pagination={false}
              scroll={{ x: 'max-content' }}
              locale={{ emptyText: t('dashDrillEmpty') }}
              data-testid="drill-table"
              columns={[
                ...shown.map((field, i) => ({
                  key: field.pointer,
                  title: field.title,
                  render: (_: unknown, record: RecordView) =>
                    i === 0 ? (
                      <Link to={recordLink(record)}>
                        <FieldValue field={field} record={record} />
                      </Link>
                    ) : (
                      <FieldValue field={field} record={record} />
                    ),
                })),
                ...(shown.length === 0
                  ? [
                      {
                        key: 'id',
                        title: 'ID',
                        render: (_: unknown, record: RecordView) => (
                          <Link to={recordLink(record)}>{record.id}</Link>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
            <Space>
              <Typography.Text type="secondary">
                {t('dashDrillCount', { count: items.length })}
              </Typography.Text>
              {page?.nextCursor && (
                <Button onClick={() => void load(page.nextCursor)} loading={loading}>
                  {t('dashDrillMore')}
                </Button>
              )}
            </Space>
          </Space>
        </div>
      )}
    </Drawer>
  );
}
