import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../api/client';
import { useLocale } from '../i18n/locale.context';
import { LanguageSwitch } from '../shell/language-switch';
import { useSession } from './session.context';

export default function LoginPage({ expired }: { expired: boolean }) {
  const { t } = useLocale();
  const { login } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await login(values.username.trim(), values.password);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'auth.rate_limited') {
        const minutes = /wait (\d+) minutes/.exec(e.problem.hint ?? '')?.[1] ?? '15';
        setError(t('loginRateLimited', { minutes }));
      } else if (e instanceof ApiError && e.status === 401) setError(t('loginFailed'));
      else if (e instanceof ApiError && e.status === 422) setError(t('loginInvalid'));
      else if (e instanceof ApiError && e.status === 0) setError(t('networkError'));
      else setError(t('failed', { detail: (e as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="cf-login">
      <div className="cf-login-lang">
        <LanguageSwitch />
      </div>
      <Card className="cf-login-card">
        <Typography.Title level={2} style={{ marginTop: 0 }}>
          {t('appName')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('loginSubtitle')}</Typography.Paragraph>
        {expired && !error && (
          <Alert type="info" showIcon title={t('sessionExpired')} style={{ marginBottom: 16 }} />
        )}
        {error && (
          <Alert
            type="error"
            showIcon
            role="alert"
            data-testid="login-error"
            title={error}
            style={{ marginBottom: 16 }}
          />
        )}
        <Form layout="vertical" onFinish={submit} requiredMark={false} aria-label={t('loginTitle')}>
          <Form.Item
            label={t('username')}
            name="username"
            rules={[{ required: true, message: t('usernameRequired') }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus size="large" />
          </Form.Item>
          <Form.Item
            label={t('password')}
            name="password"
            rules={[{ required: true, message: t('passwordRequired') }]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={busy}>
            {t('loginSubmit')}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
