import { Checkbox, Table } from 'antd';
import { useLocale } from '../../i18n/locale.context';

export type Grants = Record<string, string[]>;

/**
 * Rights on single forms or processes, one row each, one checkbox per action: what a role may do
 * beyond its coarse permissions (the server's formGrants / processGrants).
 */
export function GrantsTable({
  title,
  rows,
  actions,
  value,
  onChange,
  testId,
}: {
  title: string;
  rows: { key: string; label: string }[];
  actions: { key: string; label: string }[];
  value: Grants;
  onChange(next: Grants): void;
  testId?: string;
}) {
  const { t } = useLocale();
  const toggle = (row: string, action: string, on: boolean) => {
    const current = new Set(value[row] ?? []);
    if (on) current.add(action);
    else current.delete(action);
    const next = { ...value };
    if (current.size === 0) delete next[row];
    else next[row] = actions.map((a) => a.key).filter((a) => current.has(a));
    onChange(next);
  };
  return (
    <Table
      size="small"
      rowKey="key"
      pagination={false}
      dataSource={rows}
      scroll={{ x: 'max-content', y: 320 }}
      data-testid={testId}
      locale={{ emptyText: t('nothingYet') }}
      columns={[
        { title, dataIndex: 'label', render: (label: string, row) => `${label} (${row.key})` },
        ...actions.map((a) => ({
          title: a.label,
          key: a.key,
          width: 110,
          render: (_: unknown, row: { key: string; label: string }) => (
            <Checkbox
              aria-label={`${row.label}: ${a.label}`}
              checked={value[row.key]?.includes(a.key) ?? false}
              onChange={(e) => toggle(row.key, a.key, e.target.checked)}
            />
          ),
        })),
      ]}
    />
  );
}
