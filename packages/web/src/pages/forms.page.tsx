import { PlusOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { Alert, Button, Space, Table, Tag } from 'antd';
import { Link, useNavigate } from 'react-router';
import type { FormSummary, Page } from '../api/types';
import { useApi } from '../api/use-api';
import { useSession } from '../auth/session.context';
import { pickText } from '../forms/localize-form';
import { useLocale } from '../i18n/locale.context';
import { PageTitle } from '../shell/app-shell';

/** Every form with its records: the way into lists, detail views and new records. */
export default function FormsPage() {
  const { t, locale, formatDateTime } = useLocale();
  const { can } = useSession();
  const navigate = useNavigate();
  const forms = useApi<Page<FormSummary>>('/api/forms?limit=200');
  return (
    <div>
      <PageTitle>{t('formsTitle')}</PageTitle>
      {forms.error && (
        <Alert type="error" showIcon title={forms.error.message} style={{ marginBottom: 12 }} />
      )}
      <Table<FormSummary>
        rowKey="key"
        loading={forms.loading}
        dataSource={forms.data?.items ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          {
            title: t('formsTitle'),
            key: 'title',
            render: (_, f) =>
              f.latestVersion ? (
                <Link to={f.key === 'debt-case' ? '/cases' : `/forms/${f.key}/records`}>
                  {pickText(f.title, locale, f.key)}
                </Link>
              ) : (
                pickText(f.title, locale, f.key)
              ),
          },
          { title: t('formKey'), dataIndex: 'key', render: (k: string) => <code>{k}</code> },
          {
            title: t('latestVersion'),
            dataIndex: 'latestVersion',
            render: (v: number | null) => (v ? `v${v}` : <Tag>{t('notPublished')}</Tag>),
          },
          {
            title: t('updatedAt'),
            dataIndex: 'updatedAt',
            responsive: ['md'],
            render: (v: string) => formatDateTime(v),
          },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, f) =>
              f.latestVersion ? (
                <Space>
                  <Button
                    size="small"
                    icon={<UnorderedListOutlined />}
                    onClick={() => navigate(f.key === 'debt-case' ? '/cases' : `/forms/${f.key}/records`)}
                  >
                    {t('records')}
                  </Button>
                  {can('records.create') && (
                    <Button
                      size="small"
                      icon={<PlusOutlined />}
                      onClick={() => navigate(`/forms/${f.key}/new`)}
                    >
                      {t('newRecord')}
                    </Button>
                  )}
                </Space>
              ) : null,
          },
        ]}
      />
    </div>
  );
}
