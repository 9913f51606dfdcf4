import { EditOutlined } from '@ant-design/icons';
import { Alert, Space, Table } from 'antd';
import { Link } from 'react-router';
import { useApi } from '../api/use-api';
import { useSession } from '../auth/session.context';
import { useLocale } from '../i18n/locale.context';
import { PageTitle } from '../shell/app-shell';
import { NoDashboardAccess } from './dashboard.access';
import { localized } from './dashboard.format';
import type { DashboardListItem } from './dashboard.types';

/** The dashboards the caller may open. */
export default function DashboardsPage() {
  const { can } = useSession();
  if (!can('dashboards.view')) return <NoDashboardAccess />;
  return <DashboardList />;
}

function DashboardList() {
  const { t, locale, formatDateTime } = useLocale();
  const { can } = useSession();
  const list = useApi<DashboardListItem[]>('/api/dashboards');
  return (
    <div>
      <PageTitle>{t('dashListTitle')}</PageTitle>
      {list.error && <Alert type="error" showIcon title={list.error.message} style={{ marginBottom: 12 }} />}
      <Table<DashboardListItem>
        rowKey="key"
        data-testid="dashboards-table"
        loading={list.loading}
        dataSource={list.data ?? []}
        pagination={false}
        locale={{ emptyText: t('dashListEmpty') }}
        columns={[
          {
            key: 'title',
            title: t('dashColTitle'),
            render: (_, item) => (
              <Link to={`/dashboards/${encodeURIComponent(item.key)}`}>
                {localized(item.title, locale, item.key)}
              </Link>
            ),
          },
          { key: 'version', title: t('dashColVersion'), dataIndex: 'latestVersion', width: 100 },
          {
            key: 'updated',
            title: t('dashColUpdated'),
            render: (_, item) => `${formatDateTime(item.updatedAt)} · ${item.updatedBy}`,
          },
          {
            key: 'actions',
            title: t('actions'),
            width: 200,
            render: (_, item) => (
              <Space>
                <Link to={`/dashboards/${encodeURIComponent(item.key)}`}>{t('dashOpen')}</Link>
                {can('dashboards.edit') && (
                  <Link to={`/dashboards/${encodeURIComponent(item.key)}/edit`}>
                    <EditOutlined /> {t('edit')}
                  </Link>
                )}
              </Space>
            ),
          },
        ]}
      />
    </div>
  );
}
