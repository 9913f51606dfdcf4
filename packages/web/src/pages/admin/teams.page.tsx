import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Modal, Table } from 'antd';
import { useState } from 'react';
import { ApiError, api } from '../../api/client';
import type { Team } from '../../api/types';
import { forgetCached, useApi } from '../../api/use-api';
import { useLocale } from '../../i18n/locale.context';
import { PageTitle } from '../../shell/app-shell';
import { useToast } from '../../shell/toast';

interface TeamValues {
  id: string;
  nameZh: string;
  nameEn: string;
}

/** Collection teams: record ownership and candidate groups for tasks. */
export default function TeamsPage() {
  const { t } = useLocale();
  const { message } = useToast();
  const teams = useApi<Team[]>('/api/teams');
  const [editing, setEditing] = useState<Team | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<TeamValues>();

  const open = (team: Team | 'new') => {
    setError(null);
    setEditing(team);
    form.setFieldsValue(
      team === 'new'
        ? { id: '', nameZh: '', nameEn: '' }
        : { id: team.id, nameZh: team.name['zh-CN'] ?? '', nameEn: team.name.en ?? '' },
    );
  };

  const save = async () => {
    const values = await form.validateFields();
    setBusy(true);
    try {
      const id = editing === 'new' ? values.id.trim() : (editing?.id ?? '');
      await api(`/api/teams/${encodeURIComponent(id)}`, {
        method: 'PUT',
        json: { name: { 'zh-CN': values.nameZh, en: values.nameEn } },
      });
      message.success(t('teamSaved'));
      setEditing(null);
      forgetCached('/api/teams');
      await teams.reload();
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

  return (
    <div style={{ maxWidth: 900 }}>
      <PageTitle
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
            {t('newTeam')}
          </Button>
        }
      >
        {t('teamsTitle')}
      </PageTitle>
      {teams.error && <Alert type="error" showIcon title={teams.error.message} />}
      <Table<Team>
        rowKey="id"
        loading={teams.loading}
        dataSource={teams.data ?? []}
        pagination={false}
        columns={[
          { title: t('teamId'), dataIndex: 'id', render: (v: string) => <code>{v}</code> },
          { title: t('roleNameZh'), key: 'zh', render: (_, team) => team.name['zh-CN'] ?? '' },
          { title: t('roleNameEn'), key: 'en', render: (_, team) => team.name.en ?? '' },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, team) => (
              <Button size="small" onClick={() => open(team)}>
                {t('edit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('newTeam') : `${t('edit')} · ${editing?.id ?? ''}`}
        onCancel={() => setEditing(null)}
        onOk={save}
        okText={t('save')}
        cancelText={t('cancel')}
        confirmLoading={busy}
        forceRender
      >
        {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical">
          <Form.Item
            label={t('teamId')}
            name="id"
            rules={[{ required: true, pattern: /^[a-z][a-z0-9-]{1,40}$/ }]}
          >
            <Input disabled={editing !== 'new'} />
          </Form.Item>
          <Form.Item label={t('roleNameZh')} name="nameZh" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item label={t('roleNameEn')} name="nameEn" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
