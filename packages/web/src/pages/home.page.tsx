import { Alert, Card, Col, Descriptions, Row, Spin, Statistic, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { Health, Page, Task } from '../api/types';
import { useMe, useSession } from '../auth/session.context';
import { useLocale } from '../i18n/locale.context';

function TaskCounts() {
  const { t } = useLocale();
  const [counts, setCounts] = useState<{ mine: number; groups: number; overdue: number } | null>(null);
  useEffect(() => {
    let live = true;
    Promise.all([
      api<Page<Task>>('/api/tasks?mine=true&limit=200'),
      api<Page<Task>>('/api/tasks?limit=200'),
    ]).then(
      ([mine, visible]) => {
        if (!live) return;
        const now = Date.now();
        setCounts({
          mine: mine.items.length,
          groups: visible.items.filter((task) => !task.claimedBy).length,
          overdue: mine.items.filter((task) => task.dueAt && new Date(task.dueAt).getTime() < now).length,
        });
      },
      () => live && setCounts(null),
    );
    return () => {
      live = false;
    };
  }, []);
  if (!counts) return null;
  return (
    <Row gutter={16} style={{ marginBottom: 16 }}>
      <Col xs={8}>
        <Card size="small">
          <Link to="/inbox?queue=mine">
            <Statistic title={t('homeMyTasks')} value={counts.mine} />
          </Link>
        </Card>
      </Col>
      <Col xs={8}>
        <Card size="small">
          <Link to="/inbox?queue=groups">
            <Statistic title={t('homeGroupTasks')} value={counts.groups} />
          </Link>
        </Card>
      </Col>
      <Col xs={8}>
        <Card size="small">
          <Statistic
            title={t('homeOverdue')}
            value={counts.overdue}
            styles={{ content: { color: counts.overdue ? '#cf1322' : undefined } }}
          />
        </Card>
      </Col>
    </Row>
  );
}

export default function HomePage() {
  const { t } = useLocale();
  const me = useMe();
  const { can } = useSession();
  const [health, setHealth] = useState<Health | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    api<Health>('/api/health').then(
      (h) => live && setHealth(h),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, []);

  return (
    <div style={{ maxWidth: 880 }}>
      <Typography.Title level={3}>{t('homeWelcome', { name: me.displayName })}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('tagline')}</Typography.Paragraph>
      {can('tasks.work') && <TaskCounts />}
      <Card title={t('systemStatus')} data-testid="system-status" size="small">
        {failed ? (
          <Alert type="error" showIcon title={t('statusDown')} />
        ) : !health ? (
          <Spin description={t('loading')} />
        ) : (
          <>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('systemStatus')}>{t('statusOk')}</Descriptions.Item>
              <Descriptions.Item label={t('backend')}>
                <span data-testid="backend">{health.backend}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('migration')}>{health.migrationVersion ?? '-'}</Descriptions.Item>
              <Descriptions.Item label={t('uptime')}>
                {Math.round(health.uptimeSeconds)} {t('seconds')}
              </Descriptions.Item>
            </Descriptions>
            {health.backend === 'pglite' && (
              <Alert style={{ marginTop: 12 }} type="info" showIcon title={t('embeddedWarning')} />
            )}
          </>
        )}
      </Card>
    </div>
  );
}
