import { KeyOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Modal, Select, Space, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import { ApiError, api } from '../../api/client';
import type { User } from '../../api/types';
import { forgetCached, useApi } from '../../api/use-api';
import { useLocale } from '../../i18n/locale.context';
import { PageTitle } from '../../shell/app-shell';
import { useDirectory } from '../../shell/directory';
import { useToast } from '../../shell/toast';

interface UserValues {
  username: string;
  displayName: string;
  password?: string;
  locale: string;
  teamId: string | null;
  roles: string[];
  active: boolean;
}

function problemText(e: unknown): string {
  if (e instanceof ApiError)
    return e.errors.length ? e.errors.map((x) => x.message).join('; ') : (e.problem.detail ?? e.code);
  return String(e);
}

export default function UsersPage() {
  const { t, formatDateTime } = useLocale();
  const { message } = useToast();
  const users = useApi<User[]>('/api/users');
  const { roles, teams, roleName, teamName } = useDirectory();
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<UserValues>();
  const [resetForm] = Form.useForm<{ password: string }>();

  const open = (user: User | 'new') => {
    setError(null);
    setEditing(user);
    form.setFieldsValue(
      user === 'new'
        ? {
            username: '',
            displayName: '',
            password: '',
            locale: 'zh-CN',
            teamId: null,
            roles: [],
            active: true,
          }
        : { ...user, password: '' },
    );
  };

  const save = async () => {
    const values = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      if (editing === 'new') {
        await api('/api/users', {
          json: {
            username: values.username.trim(),
            displayName: values.displayName,
            password: values.password,
            locale: values.locale,
            teamId: values.teamId ?? null,
            roles: values.roles,
          },
        });
        message.success(t('userCreated'));
      } else if (editing) {
        await api(`/api/users/${editing.id}`, {
          method: 'PATCH',
          json: {
            displayName: values.displayName,
            locale: values.locale,
            teamId: values.teamId ?? null,
            roles: values.roles,
            active: values.active,
          },
        });
        message.success(t('userSaved'));
      }
      setEditing(null);
      forgetCached('/api/users');
      await users.reload();
    } catch (e) {
      setError(problemText(e));
    } finally {
      setBusy(false);
    }
  };

  const resetPassword = async () => {
    if (!resetting) return;
    const { password } = await resetForm.validateFields();
    setBusy(true);
    try {
      await api(`/api/users/${resetting.id}/password`, { json: { password } });
      message.success(t('passwordReset'));
      setResetting(null);
      resetForm.resetFields();
      await users.reload();
    } catch (e) {
      message.error(problemText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <PageTitle
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
            {t('newUser')}
          </Button>
        }
      >
        {t('usersTitle')}
      </PageTitle>
      {users.error && (
        <Alert type="error" showIcon title={users.error.message} style={{ marginBottom: 12 }} />
      )}
      <Table<User>
        rowKey="id"
        loading={users.loading}
        dataSource={users.data ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          { title: t('username'), dataIndex: 'username', render: (v: string) => <code>{v}</code> },
          { title: t('displayName'), dataIndex: 'displayName' },
          {
            title: t('roles'),
            dataIndex: 'roles',
            render: (list: string[]) =>
              list.map((r) => (
                <Tag key={r} color="blue">
                  {roleName(r)}
                </Tag>
              )),
          },
          { title: t('team'), dataIndex: 'teamId', render: (v: string | null) => teamName(v) || '—' },
          {
            title: t('status'),
            dataIndex: 'active',
            render: (v: boolean, u) => (
              <Space size={4}>
                <Tag color={v ? 'green' : 'default'}>{v ? t('active') : t('inactive')}</Tag>
                {u.mustChangePassword && <Tag color="orange">{t('initialPassword')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('lastLogin'),
            dataIndex: 'lastLoginAt',
            responsive: ['lg'],
            render: (v: string | null) => formatDateTime(v) || '—',
          },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, u) => (
              <Space size="small">
                <Button size="small" onClick={() => open(u)} aria-label={`${t('edit')} ${u.username}`}>
                  {t('edit')}
                </Button>
                <Button size="small" icon={<KeyOutlined />} onClick={() => setResetting(u)}>
                  {t('resetPassword')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('newUser') : `${t('edit')} · ${editing?.username ?? ''}`}
        onCancel={() => setEditing(null)}
        onOk={save}
        okText={t('save')}
        cancelText={t('cancel')}
        confirmLoading={busy}
        forceRender
      >
        {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical">
          <Form.Item label={t('username')} name="username" rules={[{ required: true }]}>
            <Input disabled={editing !== 'new'} autoComplete="off" />
          </Form.Item>
          <Form.Item label={t('displayName')} name="displayName" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          {editing === 'new' && (
            <Form.Item
              label={t('initialPassword')}
              name="password"
              extra={t('passwordHint')}
              rules={[{ required: true }, { min: 10, message: t('passwordHint') }]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          )}
          <Form.Item label={t('roles')} name="roles">
            <Select mode="multiple" options={roles.map((r) => ({ value: r.key, label: roleName(r.key) }))} />
          </Form.Item>
          <Form.Item label={t('team')} name="teamId">
            <Select
              allowClear
              options={teams.map((team) => ({ value: team.id, label: teamName(team.id) }))}
            />
          </Form.Item>
          <Form.Item label={t('locale')} name="locale">
            <Select
              options={[
                { value: 'zh-CN', label: '中文' },
                { value: 'en', label: 'English' },
              ]}
            />
          </Form.Item>
          {editing !== 'new' && (
            <Form.Item label={t('active')} name="active" valuePropName="checked">
              <Switch />
            </Form.Item>
          )}
        </Form>
      </Modal>
      <Modal
        open={resetting !== null}
        title={`${t('resetPassword')} · ${resetting?.username ?? ''}`}
        onCancel={() => setResetting(null)}
        onOk={resetPassword}
        okText={t('save')}
        cancelText={t('cancel')}
        confirmLoading={busy}
        forceRender
      >
        <Form form={resetForm} layout="vertical">
          <Form.Item
            label={t('initialPassword')}
            name="password"
            extra={t('passwordHint')}
            rules={[{ required: true }, { min: 10, message: t('passwordHint') }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
