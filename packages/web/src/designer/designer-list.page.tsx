import { CopyOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Modal, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import type { FormSummary, Page } from '../api/types';
import { useApi } from '../api/use-api';
import { pickText } from '../forms/localize-form';
import { useLocale } from '../i18n/locale.context';
import { PageTitle } from '../shell/app-shell';
import { useToast } from '../shell/toast';
import { designerApi } from './designer.api';
import { toDefinition } from './designer.model';
import { emptyState } from './designer.ops';

interface NewFormValues {
  key: string;
  zh: string;
  en: string;
}

/** The forms a designer can open, create or duplicate. */
export default function DesignerListPage() {
  const { t, locale, formatDateTime } = useLocale();
  const navigate = useNavigate();
  const { message } = useToast();
  const forms = useApi<Page<FormSummary>>('/api/forms?limit=200');
  // null: closed; '' : a new form; a key: a duplicate of that form.
  const [dialog, setDialog] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<NewFormValues>();

  const open = (source: string) => {
    setError(null);
    form.resetFields();
    if (source) {
      const found = forms.data?.items.find((f) => f.key === source);
      form.setFieldsValue({
        key: `${source}-copy`.slice(0, 63),
        zh: found ? `${found.title['zh-CN']}（副本）` : '',
        en: found ? `${found.title.en} (copy)` : '',
      });
    }
    setDialog(source);
  };

  const submit = async (values: NewFormValues) => {
    setBusy(true);
    setError(null);
    try {
      const title = { 'zh-CN': values.zh.trim(), en: values.en.trim() };
      const definition = dialog
        ? { ...(await designerApi.getDraft(dialog)), key: values.key, title }
        : toDefinition(emptyState(values.key, title));
      const { key, schema, uiSchema, metadata } = definition;
      await designerApi.create({ key, title, schema, uiSchema, metadata });
      message.success(values.key);
      navigate(`/designer/${values.key}`);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <PageTitle
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open('')}>
            {t('dzNewForm')}
          </Button>
        }
      >
        {t('dzListTitle')}
      </PageTitle>
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
            render: (_, f) => pickText(f.title, locale, f.key),
          },
          { title: t('dzFormKey'), dataIndex: 'key', render: (k: string) => <code>{k}</code> },
          {
            title: t('latestVersion'),
            dataIndex: 'latestVersion',
            render: (v: number | null) => (v ? `v${v}` : <Tag>{t('dzDraftOnly')}</Tag>),
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
            render: (_, f) => (
              <Space>
                <Button
                  size="small"
                  type="primary"
                  ghost
                  icon={<EditOutlined />}
                  onClick={() => navigate(`/designer/${f.key}`)}
                  data-testid={`design-${f.key}`}
                >
                  {t('dzOpen')}
                </Button>
                <Button
                  size="small"
                  icon={<CopyOutlined />}
                  onClick={() => open(f.key)}
                  data-testid={`duplicate-${f.key}`}
                >
                  {t('dzDuplicate')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={dialog !== null}
        title={dialog ? t('dzDuplicateTitle') : t('dzNewForm')}
        okText={t('dzCreate')}
        cancelText={t('cancel')}
        confirmLoading={busy}
        onOk={() => form.submit()}
        onCancel={() => setDialog(null)}
        destroyOnHidden
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" onFinish={submit} preserve={false}>
          <Form.Item
            name="key"
            label={t('dzFormKey')}
            extra={t('dzFormKeyHelp')}
            rules={[{ required: true, pattern: /^[a-z][a-z0-9-]{1,62}$/, message: t('dzFormKeyHelp') }]}
          >
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="zh" label={t('dzTitleZh')} rules={[{ required: true, whitespace: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="en" label={t('dzTitleEn')} rules={[{ required: true, whitespace: true }]}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
