import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Col, Form, Input, List, Popconfirm, Row, Space, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError, api } from '../../api/client';
import { type FormSummary, type Page, PERMISSIONS, type Role } from '../../api/types';
import { forgetCached, useApi } from '../../api/use-api';
import { pickText } from '../../forms/localize-form';
import { useLocale } from '../../i18n/locale.context';
import type { MessageKey } from '../../i18n/messages';
import { PageTitle } from '../../shell/app-shell';
import { useToast } from '../../shell/toast';
import { type Grants, GrantsTable } from './grants.table';

interface RoleValues {
  key: string;
  nameZh: string;
  nameEn: string;
  permissions: string[];
}

/** Roles with their permissions as checkboxes; built-in roles are editable, custom ones deletable. */
export default function RolesPage() {
  const { t, locale } = useLocale();
  const { message } = useToast();
  const roles = useApi<Role[]>('/api/roles');
  const [selected, setSelected] = useState<string | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<RoleValues>();
  const role = roles.data?.find((r) => r.key === selected);
  const forms = useApi<Page<FormSummary>>('/api/forms?limit=200');
  const deployments = useApi<Page<{ processKey: string; name: string | null }>>('/api/deployments?limit=200');
  const [formGrants, setFormGrants] = useState<Grants>({});
  const [processGrants, setProcessGrants] = useState<Grants>({});
  const formRows = (forms.data?.items ?? []).map((f) => ({
    key: f.key,
    label: pickText(f.title, locale, f.key),
  }));
  const processRows = [
    ...new Map((deployments.data?.items ?? []).map((d) => [d.processKey, d.name ?? d.processKey])),
  ].map(([key, label]) => ({ key, label }));
  const grantActions = (keys: string[]) =>
    keys.map((k) => ({ key: k, label: t(`grant.${k}` as MessageKey) }));

  useEffect(() => {
    if (selected === null && roles.data?.[0]) setSelected(roles.data[0].key);
  }, [roles.data, selected]);

  useEffect(() => {
    setError(null);
    setFormGrants(selected === 'new' ? {} : (role?.formGrants ?? {}));
    setProcessGrants(selected === 'new' ? {} : (role?.processGrants ?? {}));
    if (selected === 'new') form.setFieldsValue({ key: '', nameZh: '', nameEn: '', permissions: [] });
    else if (role)
      form.setFieldsValue({
        key: role.key,
        nameZh: role.name['zh-CN'] ?? '',
        nameEn: role.name.en ?? '',
        permissions: role.permissions,
      });
  }, [selected, role, form]);

  const save = async () => {
    const values = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      const key = selected === 'new' ? values.key.trim() : (selected as string);
      await api(`/api/roles/${encodeURIComponent(key)}`, {
        method: 'PUT',
        json: {
          name: { 'zh-CN': values.nameZh, en: values.nameEn },
          permissions: values.permissions,
          formGrants,
          processGrants,
        },
      });
      message.success(t('roleSaved'));
      forgetCached('/api/roles');
      await roles.reload();
      setSelected(key);
    } catch (e) {
      setError(
        e instanceof ApiError
          ? e.errors.map((x) => x.message).join('; ') || (e.problem.detail ?? e.code)
          : String(e),
      );
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!role) return;
    try {
      await api(`/api/roles/${encodeURIComponent(role.key)}`, { method: 'DELETE' });
      message.success(t('roleDeleted'));
      forgetCached('/api/roles');
      setSelected(null);
      await roles.reload();
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  return (
    <div>
      <PageTitle
        extra={
          <Button icon={<PlusOutlined />} onClick={() => setSelected('new')}>
            {t('newRole')}
          </Button>
        }
      >
        {t('rolesTitle')}
      </PageTitle>
      {roles.error && <Alert type="error" showIcon title={roles.error.message} />}
      <Row gutter={16}>
        <Col xs={24} md={8} lg={7}>
          <Card size="small" style={{ marginBottom: 16 }}>
            <List
              loading={roles.loading}
              dataSource={roles.data ?? []}
              renderItem={(r) => (
                <List.Item
                  onClick={() => setSelected(r.key)}
                  style={{
                    cursor: 'pointer',
                    background: r.key === selected ? '#e6f4ff' : undefined,
                    paddingInline: 8,
                  }}
                >
                  <Button type="link" style={{ padding: 0 }} aria-pressed={r.key === selected}>
                    {pickText(r.name, locale, r.key)} <code style={{ color: '#8c8c8c' }}>{r.key}</code>
                  </Button>
                  {r.builtin && <Tag>{t('builtin')}</Tag>}
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} md={16} lg={17}>
          {selected && (
            <Card
              size="small"
              title={selected === 'new' ? t('newRole') : pickText(role?.name, locale, selected)}
              extra={
                role &&
                !role.builtin && (
                  <Popconfirm title={t('delete')} onConfirm={remove} okText={t('yes')} cancelText={t('no')}>
                    <Button danger size="small" icon={<DeleteOutlined />}>
                      {t('delete')}
                    </Button>
                  </Popconfirm>
                )
              }
            >
              {error && (
                <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 12 }} />
              )}
              <Form form={form} layout="vertical" onFinish={save}>
                <Row gutter={12}>
                  <Col xs={24} lg={8}>
                    <Form.Item
                      label={t('roleKey')}
                      name="key"
                      rules={[{ required: true, pattern: /^[a-z][a-z0-9-]{1,40}$/ }]}
                    >
                      <Input disabled={selected !== 'new'} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} lg={8}>
                    <Form.Item label={t('roleNameZh')} name="nameZh" rules={[{ required: true }]}>
                      <Input />
                    </Form.Item>
                  </Col>
                  <Col xs={24} lg={8}>
                    <Form.Item label={t('roleNameEn')} name="nameEn" rules={[{ required: true }]}>
                      <Input />
                    </Form.Item>
                  </Col>
                </Row>
                <Form.Item label={t('permissions')} name="permissions">
                  <Checkbox.Group style={{ width: '100%' }}>
                    <Row gutter={[8, 8]}>
                      {PERMISSIONS.map((p) => (
                        <Col key={p} xs={24} sm={12} xl={8}>
                          <Checkbox value={p}>
                            {t(`perm.${p}` as MessageKey)}{' '}
                            <code style={{ color: '#8c8c8c', fontSize: 11 }}>{p}</code>
                          </Checkbox>
                        </Col>
                      ))}
                    </Row>
                  </Checkbox.Group>
                </Form.Item>
                <Form.Item label={t('formGrants')} extra={t('formGrantsHint')}>
                  <GrantsTable
                    testId="form-grants"
                    title={t('taskForm')}
                    rows={formRows}
                    actions={grantActions(['view', 'create', 'edit', 'design'])}
                    value={formGrants}
                    onChange={setFormGrants}
                  />
                </Form.Item>
                {processRows.length > 0 && (
                  <Form.Item label={t('processGrants')}>
                    <GrantsTable
                      title={t('process')}
                      rows={processRows}
                      actions={grantActions(['deploy', 'start', 'administer'])}
                      value={processGrants}
                      onChange={setProcessGrants}
                    />
                  </Form.Item>
                )}
                <Space>
                  <Button type="primary" htmlType="submit" loading={busy}>
                    {t('save')}
                  </Button>
                </Space>
              </Form>
            </Card>
          )}
        </Col>
      </Row>
    </div>
  );
}
