import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Badge, Button, Space, Table, type TableColumnsType, Tabs, Tag } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, api } from '../api/client';
import type { Page, Task } from '../api/types';
import { useMe } from '../auth/session.context';
import { useLocale } from '../i18n/locale.context';
import { PageTitle } from '../shell/app-shell';
import { useDirectory } from '../shell/directory';
import { useToast } from '../shell/toast';
import { useUserNames } from '../shell/user-names';
import { DueTag, isOverdue } from './due-tag';
import { taskName } from './task-name';

async function allPages(path: string): Promise<Task[]> {
  const out: Task[] = [];
  let cursor: string | null = null;
  // Inboxes are short; 5 pages of 200 is far beyond a working day.
  for (let i = 0; i < 5; i++) {
    const sep: string = path.includes('?') ? '&' : '?';
    const page: Page<Task> = await api<Page<Task>>(
      `${path}${sep}limit=200${cursor ? `&cursor=${cursor}` : ''}`,
    );
    out.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return out;
}

/** Due first (soonest, none last), then the higher priority. */
function byUrgency(a: Task, b: Task): number {
  const da = a.dueAt ? new Date(a.dueAt).getTime() : Number.POSITIVE_INFINITY;
  const db = b.dueAt ? new Date(b.dueAt).getTime() : Number.POSITIVE_INFINITY;
  if (da !== db) return da - db;
  return (b.priority ?? 0) - (a.priority ?? 0);
}

export default function InboxPage() {
  const { t, locale } = useLocale();
  const me = useMe();
  const { message } = useToast();
  const navigate = useNavigate();
  const { groupName } = useDirectory();
  const userName = useUserNames();
  const [params, setParams] = useSearchParams();
  const queue = params.get('queue') ?? 'mine';
  const [mine, setMine] = useState<Task[]>([]);
  const [visible, setVisible] = useState<Task[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [working, setWorking] = useState<string | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const [m, v] = await Promise.all([allPages('/api/tasks?mine=true'), allPages('/api/tasks')]);
      setMine(m);
      setVisible(v);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const queues = useMemo(() => {
    const open = visible.filter((task) => !task.claimedBy);
    const list: { key: string; label: string; tasks: Task[] }[] = [
      { key: 'mine', label: t('queueMine'), tasks: mine },
      { key: 'groups', label: t('queueGroups'), tasks: open },
    ];
    for (const g of me.groups) {
      list.push({
        key: `group:${g}`,
        label: t('queueGroup', { group: groupName(g) }),
        tasks: open.filter((task) => task.candidateGroups.includes(g)),
      });
    }
    return list;
  }, [mine, visible, me.groups, t, groupName]);

  const current = queues.find((q) => q.key === queue) ?? queues[0]!;
  const rows = useMemo(() => [...current.tasks].sort(byUrgency), [current]);

  const act = async (task: Task, action: 'claim' | 'unclaim') => {
    setWorking(task.id);
    try {
      await api(`/api/tasks/${task.id}/${action}`, { method: 'POST' });
      message.success(action === 'claim' ? t('claimed') : t('unclaimedDone'));
    } catch (e) {
      message.error(
        e instanceof ApiError && e.code === 'task.claimed_by_other'
          ? t('taskClaimedByOther')
          : (e as Error).message,
      );
    } finally {
      setWorking(null);
      await load();
    }
  };

  const columns: TableColumnsType<Task> = [
    {
      title: t('taskName'),
      key: 'name',
      render: (_, task) => <Link to={`/tasks/${task.id}`}>{taskName(task, locale)}</Link>,
    },
    {
      title: t('businessKey'),
      dataIndex: 'businessKey',
      render: (v: string | null) => v ?? '—',
      responsive: ['md'],
    },
    { title: t('process'), dataIndex: 'processKey', responsive: ['lg'] },
    {
      title: t('dueAt'),
      key: 'dueAt',
      sorter: (a, b) => byUrgency(a, b),
      defaultSortOrder: 'ascend',
      render: (_, task) => <DueTag dueAt={task.dueAt} />,
    },
    {
      title: t('priority'),
      dataIndex: 'priority',
      sorter: (a, b) => (a.priority ?? 0) - (b.priority ?? 0),
      render: (v: number | null) => (v === null ? '—' : v >= 80 ? <Tag color="red">{v}</Tag> : v),
    },
    {
      title: t('claimedBy'),
      key: 'claimedBy',
      responsive: ['md'],
      render: (_, task) =>
        task.claimedBy ? (
          task.claimedBy === me.userId ? (
            <Tag color="blue">{t('claimedByYou')}</Tag>
          ) : (
            userName(task.claimedBy)
          )
        ) : (
          <span style={{ color: '#8c8c8c' }}>{t('unclaimed')}</span>
        ),
    },
    {
      title: t('actions'),
      key: 'actions',
      render: (_, task) => (
        <Space size="small" wrap>
          {!task.claimedBy && (
            <Button
              size="small"
              type="primary"
              loading={working === task.id}
              onClick={() => act(task, 'claim')}
            >
              {t('claim')}
            </Button>
          )}
          {task.claimedBy === me.userId && (
            <Button size="small" loading={working === task.id} onClick={() => act(task, 'unclaim')}>
              {t('unclaim')}
            </Button>
          )}
          <Button size="small" onClick={() => navigate(`/tasks/${task.id}`)}>
            {t('open')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <div>
      <PageTitle
        extra={
          <Button icon={<ReloadOutlined />} onClick={() => void load()}>
            {t('refresh')}
          </Button>
        }
      >
        {t('inboxTitle')}
      </PageTitle>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Tabs
        activeKey={current.key}
        onChange={(key) => setParams({ queue: key })}
        items={queues.map((q) => ({
          key: q.key,
          label: (
            <span data-testid={`queue-${q.key}`}>
              {q.label}{' '}
              <Badge
                count={q.tasks.length}
                showZero
                color={q.tasks.some((task) => isOverdue(task.dueAt)) ? 'red' : 'blue'}
                aria-label={String(q.tasks.length)}
              />
            </span>
          ),
        }))}
      />
      <Table<Task>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={rows}
        locale={{ emptyText: t('noTasks') }}
        rowClassName={(task) => (isOverdue(task.dueAt) ? 'cf-overdue-row' : '')}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
      />
    </div>
  );
}
