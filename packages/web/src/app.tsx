import { ConfigProvider, Spin } from 'antd';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { lazy, type ReactNode, Suspense } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { SessionProvider, useSession } from './auth/session.context';
import { LocaleProvider, useLocale } from './i18n/locale.context';
import { AppShell } from './shell/app-shell';
import { ToastProvider } from './shell/toast';
import './app.css';

// Every work page is its own chunk: the task-form route loads the shell, the form renderer and
// nothing of the admin pages, the case workspace or the records tables.
const LoginPage = lazy(() => import('./auth/login.page'));
const HomePage = lazy(() => import('./pages/home.page'));
const NotFoundPage = lazy(() => import('./pages/not-found.page'));
const InboxPage = lazy(() => import('./pages/inbox.page'));
const TaskPage = lazy(() => import('./pages/task.page'));
const FormsPage = lazy(() => import('./pages/forms.page'));
const RecordsPage = lazy(() => import('./pages/records.page'));
const RecordPage = lazy(() => import('./pages/record.page'));
const CasePage = lazy(() => import('./pages/case.page'));
// The form designer (dnd-kit, the properties panel) is its own chunk, apart from the inbox and task forms.
const DesignerListPage = lazy(() => import('./designer/designer-list.page'));
const DesignerPage = lazy(() => import('./designer/designer.page'));
const UsersPage = lazy(() => import('./pages/admin/users.page'));
const RolesPage = lazy(() => import('./pages/admin/roles.page'));
const TeamsPage = lazy(() => import('./pages/admin/teams.page'));
const AuditPage = lazy(() => import('./pages/admin/audit.page'));
// Process administration: bpmn-js (viewer, modeler) loads only in these chunks.
const ProcessesPage = lazy(() => import('./processes/processes.page'));
const ProcessVersionPage = lazy(() => import('./processes/version.page'));
const ProcessModelerPage = lazy(() => import('./processes/modeler.page'));
const ProcessInstancePage = lazy(() => import('./processes/instance.page'));
const DashboardsPage = lazy(() => import('./dashboards/dashboards.page'));
const DashboardPage = lazy(() => import('./dashboards/dashboard.page'));
const DashboardEditorPage = lazy(() => import('./dashboards/dashboard-editor.page'));
const NotificationsPage = lazy(() => import('./collaboration/notifications.page'));
const MyPerformancePage = lazy(() => import('./collaboration/performance.page'));
const TeamReviewPage = lazy(() => import('./collaboration/team-review.page'));
const CommissionPage = lazy(() => import('./collaboration/commission.page'));
const WebhooksPage = lazy(() => import('./collaboration/webhooks.page'));

const ANTD_LOCALES = { 'zh-CN': zhCN, en: enUS } as const;

function Loading() {
  const { t } = useLocale();
  return (
    <div className="cf-loading" role="status">
      <Spin description={t('loading')} />
    </div>
  );
}

function Page({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

function Gate() {
  const { state } = useSession();
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'anonymous')
    return (
      <Page>
        <LoginPage expired={state.expired} />
      </Page>
    );
  return (
    <AppShell>
      <Routes>
        <Route
          path="/"
          element={
            <Page>
              <HomePage />
            </Page>
          }
        />
        <Route
          path="/inbox"
          element={
            <Page>
              <InboxPage />
            </Page>
          }
        />
        <Route
          path="/tasks/:id"
          element={
            <Page>
              <TaskPage />
            </Page>
          }
        />
        <Route
          path="/forms"
          element={
            <Page>
              <FormsPage />
            </Page>
          }
        />
        <Route
          path="/forms/:key/records"
          element={
            <Page>
              <RecordsPage />
            </Page>
          }
        />
        <Route
          path="/forms/:key/new"
          element={
            <Page>
              <RecordPage />
            </Page>
          }
        />
        <Route
          path="/designer"
          element={
            <Page>
              <DesignerListPage />
            </Page>
          }
        />
        <Route
          path="/designer/:key"
          element={
            <Page>
              <DesignerPage />
            </Page>
          }
        />
        <Route
          path="/records/:id"
          element={
            <Page>
              <RecordPage />
            </Page>
          }
        />
        <Route
          path="/cases"
          element={
            <Page>
              <RecordsPage formKey="debt-case" />
            </Page>
          }
        />
        <Route
          path="/cases/:id"
          element={
            <Page>
              <CasePage />
            </Page>
          }
        />
        <Route
          path="/admin/users"
          element={
            <Page>
              <UsersPage />
            </Page>
          }
        />
        <Route
          path="/admin/roles"
          element={
            <Page>
              <RolesPage />
            </Page>
          }
        />
        <Route
          path="/admin/teams"
          element={
            <Page>
              <TeamsPage />
            </Page>
          }
        />
        <Route
          path="/admin/audit"
          element={
            <Page>
              <AuditPage />
            </Page>
          }
        />
        <Route
          path="/processes"
          element={
            <Page>
              <ProcessesPage />
            </Page>
          }
        />
        <Route
          path="/processes/versions/:id"
          element={
            <Page>
              <ProcessVersionPage />
            </Page>
          }
        />
        <Route
          path="/processes/versions/:id/edit"
          element={
            <Page>
              <ProcessModelerPage />
            </Page>
          }
        />
        <Route
          path="/processes/instances/:id"
          element={
            <Page>
              <ProcessInstancePage />
            </Page>
          }
        />
        <Route
          path="/dashboards"
          element={
            <Page>
              <DashboardsPage />
            </Page>
          }
        />
        <Route
          path="/dashboards/:key"
          element={
            <Page>
              <DashboardPage />
            </Page>
          }
        />
        <Route
          path="/dashboards/:key/edit"
          element={
            <Page>
              <DashboardEditorPage />
            </Page>
          }
        />
        <Route
          path="/notifications"
          element={
            <Page>
              <NotificationsPage />
            </Page>
          }
        />
        <Route
          path="/performance"
          element={
            <Page>
              <MyPerformancePage />
            </Page>
          }
        />
        <Route
          path="/performance/team"
          element={
            <Page>
              <TeamReviewPage />
            </Page>
          }
        />
        <Route
          path="/performance/commission"
          element={
            <Page>
              <CommissionPage />
            </Page>
          }
        />
        <Route
          path="/admin/webhooks"
          element={
            <Page>
              <WebhooksPage />
            </Page>
          }
        />
        <Route
          path="*"
          element={
            <Page>
              <NotFoundPage />
            </Page>
          }
        />
      </Routes>
    </AppShell>
  );
}

function Themed() {
  const { locale } = useLocale();
  return (
    <ConfigProvider
      locale={ANTD_LOCALES[locale]}
      theme={{ token: { colorPrimary: '#1f5fbf' } }}
      button={{ autoInsertSpace: false }}
    >
      <ToastProvider>
        <SessionProvider>
          <BrowserRouter>
            <Gate />
          </BrowserRouter>
        </SessionProvider>
      </ToastProvider>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <LocaleProvider>
      <Themed />
    </LocaleProvider>
  );
}
