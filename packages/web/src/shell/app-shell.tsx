import {
  AccountBookOutlined,
  ApartmentOutlined,
  ApiOutlined,
  AuditOutlined,
  DashboardOutlined,
  DownOutlined,
  FileTextOutlined,
  FormOutlined,
  HomeOutlined,
  InboxOutlined,
  KeyOutlined,
  LogoutOutlined,
  MenuOutlined,
  RiseOutlined,
  SafetyOutlined,
  SolutionOutlined,
  TeamOutlined,
  TrophyOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Button, Dropdown, Grid, Layout, Menu, type MenuProps, Space, Tag } from 'antd';
import { lazy, type ReactNode, Suspense, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useMe, useSession } from '../auth/session.context';
import { NotificationBell } from '../collaboration/notification-bell';
import { useLocale } from '../i18n/locale.context';
import { useDirectory } from './directory';
import { LanguageSwitch } from './language-switch';

// Only loaded when someone changes a password: it brings antd's Form along.
const ChangePasswordDialog = lazy(() => import('../auth/change-password.dialog'));
// The menu drawer is for tablets and narrow windows only.
const NavDrawer = lazy(() => import('./nav-drawer'));

function useNavItems(): NonNullable<MenuProps['items']> {
  const { t } = useLocale();
  const { can } = useSession();
  const items: NonNullable<MenuProps['items']> = [
    { key: '/', icon: <HomeOutlined />, label: <Link to="/">{t('navHome')}</Link> },
  ];
  if (can('tasks.work'))
    items.push({ key: '/inbox', icon: <InboxOutlined />, label: <Link to="/inbox">{t('navInbox')}</Link> });
  if (can('records.view')) {
    items.push({
      key: '/cases',
      icon: <SolutionOutlined />,
      label: <Link to="/cases">{t('navCases')}</Link>,
    });
    items.push({
      key: '/forms',
      icon: <FileTextOutlined />,
      label: <Link to="/forms">{t('navForms')}</Link>,
    });
  }
  if (can('forms.design'))
    items.push({
      key: '/designer',
      icon: <FormOutlined />,
      label: <Link to="/designer">{t('navDesigner')}</Link>,
    });
  if (can('dashboards.view'))
    items.push({
      key: '/dashboards',
      icon: <DashboardOutlined />,
      label: <Link to="/dashboards">{t('navDashboards')}</Link>,
    });
  items.push({
    key: '/performance',
    icon: <TrophyOutlined />,
    label: <Link to="/performance">{t('navMyPerformance')}</Link>,
  });
  if (can('audit.view'))
    items.push({
      key: '/performance/team',
      icon: <RiseOutlined />,
      label: <Link to="/performance/team">{t('navTeamReview')}</Link>,
    });
  if (can('audit.view'))
    items.push({
      key: '/performance/commission',
      icon: <AccountBookOutlined />,
      label: <Link to="/performance/commission">{t('navCommission')}</Link>,
    });
  const admin: NonNullable<MenuProps['items']> = [];
  if (can('users.admin')) {
    admin.push({
      key: '/admin/users',
      icon: <UserOutlined />,
      label: <Link to="/admin/users">{t('navUsers')}</Link>,
    });
    admin.push({
      key: '/admin/roles',
      icon: <SafetyOutlined />,
      label: <Link to="/admin/roles">{t('navRoles')}</Link>,
    });
    admin.push({
      key: '/admin/teams',
      icon: <TeamOutlined />,
      label: <Link to="/admin/teams">{t('navTeams')}</Link>,
    });
    admin.push({
      key: '/admin/webhooks',
      icon: <ApiOutlined />,
      label: <Link to="/admin/webhooks">{t('navWebhooks')}</Link>,
    });
  }
  if (can('audit.view'))
    admin.push({
      key: '/admin/audit',
      icon: <AuditOutlined />,
      label: <Link to="/admin/audit">{t('navAudit')}</Link>,
    });
  if (can('process.deploy') || can('process.admin'))
    admin.push({
      key: '/processes',
      icon: <ApartmentOutlined />,
      label: <Link to="/processes">{t('navProcesses')}</Link>,
    });
  if (admin.length > 0) items.push({ type: 'group', key: 'admin', label: t('navAdmin'), children: admin });
  return items;
}

function selectedKey(pathname: string): string {
  const prefixes = [
    '/inbox',
    '/tasks',
    '/cases',
    '/forms',
    '/records',
    '/designer',
    '/dashboards',
    '/performance/team',
    '/performance/commission',
    '/performance',
    '/notifications',
    '/admin/users',
    '/admin/roles',
    '/admin/teams',
    '/admin/webhooks',
    '/admin/audit',
    '/processes',
  ];
  const hit = prefixes.find((p) => pathname === p || pathname.startsWith(`${p}/`));
  if (hit === '/tasks') return '/inbox';
  if (hit === '/records') return '/forms';
  return hit ?? '/';
}

function UserMenu({ compact }: { compact: boolean }) {
  const { t } = useLocale();
  const me = useMe();
  const { logout } = useSession();
  const { roleName } = useDirectory();
  const navigate = useNavigate();
  const [changing, setChanging] = useState(false);
  const roles = me.roles.map((r) => (
    <Tag key={r} color="blue" style={{ marginInlineEnd: 4 }}>
      {roleName(r)}
    </Tag>
  ));
  return (
    <>
      <Dropdown
        trigger={['click']}
        menu={{
          items: [
            ...(compact ? [{ key: 'roles', disabled: true, label: <span>{roles}</span> }] : []),
            { key: 'password', icon: <KeyOutlined />, label: t('changePassword') },
            { key: 'logout', icon: <LogoutOutlined />, label: t('logout'), danger: true },
          ],
          onClick: async ({ key }) => {
            if (key === 'password') setChanging(true);
            if (key === 'logout') {
              await logout();
              navigate('/');
            }
          },
        }}
      >
        <Button
          type="text"
          className="cf-user"
          data-testid="current-user"
          aria-label={`${me.displayName}: ${t('yourRoles')}`}
        >
          <UserOutlined />
          <span className="cf-user-name">{me.displayName}</span>
          {!compact && (
            <span className="cf-user-roles" data-testid="current-roles">
              {roles}
            </span>
          )}
          <DownOutlined style={{ fontSize: 10 }} />
        </Button>
      </Dropdown>
      {(changing || me.mustChangePassword) && (
        <Suspense fallback={null}>
          <ChangePasswordDialog open required={me.mustChangePassword} onClose={() => setChanging(false)} />
        </Suspense>
      )}
    </>
  );
}

export function AppShell({ children }: { children: ReactNode }) {
  const { t } = useLocale();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  // Below lg (tablets in portrait, small laptops) the menu moves into a drawer.
  const wide = screens.lg ?? true;
  const compact = !(screens.xl ?? true);
  const [drawer, setDrawer] = useState(false);
  const items = useNavItems();
  const menu = (
    <Menu
      mode="inline"
      selectedKeys={[selectedKey(location.pathname)]}
      items={items}
      onClick={() => setDrawer(false)}
      style={{ borderInlineEnd: 0 }}
    />
  );
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header className="cf-header">
        {!wide && (
          <Button
            type="text"
            icon={<MenuOutlined />}
            aria-label={t('menu')}
            onClick={() => setDrawer(true)}
            style={{ color: '#fff' }}
          />
        )}
        <Link to="/" className="cf-brand">
          {t('appName')}
        </Link>
        <div style={{ flex: 1 }} />
        <Space size="middle" align="center">
          <LanguageSwitch />
          <NotificationBell />
          <UserMenu compact={compact} />
        </Space>
      </Layout.Header>
      <Layout>
        {wide ? (
          <Layout.Sider width={208} theme="light" className="cf-sider">
            <nav aria-label={t('navHome')}>{menu}</nav>
          </Layout.Sider>
        ) : (
          <Suspense fallback={null}>
            <NavDrawer open={drawer} onClose={() => setDrawer(false)} title={t('appName')}>
              {menu}
            </NavDrawer>
          </Suspense>
        )}
        <Layout.Content className="cf-content">
          <main>{children}</main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

export function PageTitle({ children, extra }: { children: ReactNode; extra?: ReactNode }) {
  return (
    <div className="cf-page-title">
      <h1 className="cf-h1">{children}</h1>
      {extra && <div className="cf-page-extra">{extra}</div>}
    </div>
  );
}
