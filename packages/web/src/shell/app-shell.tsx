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
import { Button, Grid, Layout, Space, Tag } from 'antd';
import { lazy, type ReactNode, Suspense, useCallback, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useMe, useSession } from '../auth/session.context';
import { NotificationBell } from '../collaboration/notification-bell';
import { useLocale } from '../i18n/locale.context';
import { useDirectory } from './directory';
import { LanguageSwitch } from './language-switch';
import { type NavGroup, type NavItem, NavMenu, PopupMenu } from './nav-menu';

// Only loaded when someone changes a password: it brings antd's Form along.
const ChangePasswordDialog = lazy(() => import('../auth/change-password.dialog'));
// The menu drawer is for tablets and narrow windows only.
const NavDrawer = lazy(() => import('./nav-drawer'));

function useNavItems(): { items: NavItem[]; groups: NavGroup[] } {
  const { t } = useLocale();
  const { can } = useSession();
  const items: NavItem[] = [{ key: '/', icon: <HomeOutlined />, label: t('navHome') }];
  if (can('tasks.work')) items.push({ key: '/inbox', icon: <InboxOutlined />, label: t('navInbox') });
  if (can('records.view')) {
    items.push({
      key: '/cases',
      icon: <SolutionOutlined />,
      label: t('navCases'),
    });
    items.push({
      key: '/forms',
      icon: <FileTextOutlined />,
      label: t('navForms'),
    });
  }
  if (can('forms.design'))
    items.push({
      key: '/designer',
      icon: <FormOutlined />,
      label: t('navDesigner'),
    });
  if (can('dashboards.view'))
    items.push({
      key: '/dashboards',
      icon: <DashboardOutlined />,
      label: t('navDashboards'),
    });
  items.push({
    key: '/performance',
    icon: <TrophyOutlined />,
    label: t('navMyPerformance'),
  });
  if (can('audit.view'))
    items.push({
      key: '/performance/team',
      icon: <RiseOutlined />,
      label: t('navTeamReview'),
    });
  if (can('audit.view'))
    items.push({
      key: '/performance/commission',
      icon: <AccountBookOutlined />,
      label: t('navCommission'),
    });
  const admin: NavItem[] = [];
  if (can('users.admin')) {
    admin.push({
      key: '/admin/users',
      icon: <UserOutlined />,
      label: t('navUsers'),
    });
    admin.push({
      key: '/admin/roles',
      icon: <SafetyOutlined />,
      label: t('navRoles'),
    });
    admin.push({
      key: '/admin/teams',
      icon: <TeamOutlined />,
      label: t('navTeams'),
    });
    admin.push({
      key: '/admin/webhooks',
      icon: <ApiOutlined />,
      label: t('navWebhooks'),
    });
  }
  if (can('audit.view'))
    admin.push({
      key: '/admin/audit',
      icon: <AuditOutlined />,
      label: t('navAudit'),
    });
  if (can('process.deploy') || can('process.admin'))
    admin.push({
      key: '/processes',
      icon: <ApartmentOutlined />,
      label: t('navProcesses'),
    });
  const groups = admin.length > 0 ? [{ key: 'admin', label: t('navAdmin'), items: admin }] : [];
  return { items, groups };
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
  const [open, setOpen] = useState(false);
  const close = useCallback(() => setOpen(false), []);
  const onSelect = async (key: string) => {
    if (key === 'password') setChanging(true);
    if (key === 'logout') {
      await logout();
      navigate('/');
    }
  };
  return (
    <>
      <div className="cf-user-menu">
        <Button
          type="text"
          className="cf-user"
          data-testid="current-user"
          aria-label={`${me.displayName}: ${t('yourRoles')}`}
          aria-haspopup="menu"
          aria-expanded={open}
          onClick={() => setOpen((o) => !o)}
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
        <PopupMenu
          open={open}
          onClose={close}
          onSelect={onSelect}
          items={[
            ...(compact ? [{ key: 'roles', disabled: true, label: <span>{roles}</span> }] : []),
            { key: 'password', icon: <KeyOutlined />, label: t('changePassword') },
            { key: 'logout', icon: <LogoutOutlined />, label: t('logout'), danger: true },
          ]}
        />
      </div>
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
  const { items, groups } = useNavItems();
  const menu = (
    <NavMenu
      items={items}
      groups={groups}
      selected={selectedKey(location.pathname)}
      onNavigate={() => setDrawer(false)}
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
