import { Alert, Button, Descriptions, Spin, Tag } from 'antd';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, type ProblemItem } from '../api/client';
import { loadFormVersion } from '../api/forms.api';
import type { FormVersion, InstanceView, Task } from '../api/types';
import { useMe } from '../auth/session.context';
import { FormRenderer } from '../forms/form-renderer';
import { pickText } from '../forms/localize-form';
import { useLocale } from '../i18n/locale.context';
import { PageTitle } from '../shell/app-shell';
import { useDirectory } from '../shell/directory';
import { Outcome } from '../shell/outcome';
import { useToast } from '../shell/toast';
import { useUserNames } from '../shell/user-names';
import { WhenVisible } from '../shell/when-visible';
import { DueTag } from './due-tag';
import { taskName } from './task-name';

// Comments and files sit below the form: their code loads when they scroll into view.
const TaskConversation = lazy(() => import('../collaboration/task-conversation'));
interface Completion {
  task: Task;
  nextTaskIds: string[];
}

type TaskOutcome =
  | { kind: 'editing' }
  | { kind: 'done'; completion: Completion; next: (Task | { id: string; name: null })[] }
  | { kind: 'gone' };

/** Process variables that are fields of the form: the task form's starting values. */
function prefill(
  schema: Record<string, unknown>,
  variables: Record<string, unknown>,
  saved: Record<string, unknown> | null,
) {
  const props = (schema.properties ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(variables)) if (Object.hasOwn(props, k) && v !== null) out[k] = v;
  return { ...out, ...(saved ?? {}) };
}

export default function TaskPage() {
  const { id = '' } = useParams();
  const { t, locale } = useLocale();
  const me = useMe();
  const { message } = useToast();
  const navigate = useNavigate();
  const { groupName } = useDirectory();
  const userName = useUserNames();
  const [task, setTask] = useState<Task | null>(null);
  const [form, setForm] = useState<FormVersion | null>(null);
  const [initial, setInitial] = useState<Record<string, unknown> | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [serverErrors, setServerErrors] = useState<ProblemItem[]>([]);
  const [refused, setRefused] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<TaskOutcome>({ kind: 'editing' });

  useEffect(() => {
    let live = true;
    setTask(null);
    setForm(null);
    setInitial(null);
    setOutcome({ kind: 'editing' });
    setServerErrors([]);
    setNotice(null);
    (async () => {
      const loaded = await api<Task>(`/api/tasks/${id}`);
      if (!live) return;
      setTask(loaded);
      const [version, view] = await Promise.all([
        loadFormVersion(loaded.formKey, loaded.formVersion),
        api<InstanceView>(`/api/instances/${loaded.instanceId}?historyLimit=1`).catch(() => null),
      ]);
      if (!live) return;
      setForm(version);
      setInitial(prefill(version.schema, view?.variables ?? {}, loaded.data));
    })().catch(
      (e: unknown) =>
        live &&
        setLoadError(
          e instanceof ApiError ? e : new ApiError({ status: 0, code: 'client', detail: String(e) }),
        ),
    );
    return () => {
      live = false;
    };
  }, [id]);

  const mine = task?.claimedBy === me.userId || task?.assignee === me.userId;
  const claimedByOther = Boolean(task?.claimedBy && task.claimedBy !== me.userId);

  const claim = async (action: 'claim' | 'unclaim') => {
    if (!task) return;
    setBusy(true);
    try {
      setTask(await api<Task>(`/api/tasks/${task.id}/${action}`, { method: 'POST' }));
      message.success(action === 'claim' ? t('claimed') : t('unclaimedDone'));
      if (action === 'unclaim') navigate('/inbox');
    } catch (e) {
      if (e instanceof ApiError && e.code === 'task.not_open') setOutcome({ kind: 'gone' });
      else
        setNotice(
          e instanceof ApiError && e.code === 'task.claimed_by_other'
            ? t('taskClaimedByOther')
            : (e as Error).message,
        );
    } finally {
      setBusy(false);
    }
  };

  const submit = async (data: Record<string, unknown>) => {
    if (!task) return;
    setBusy(true);
    setNotice(null);
    try {
      const completion = await api<Completion>(`/api/tasks/${task.id}/complete`, { json: { data } });
      const next = await Promise.all(
        completion.nextTaskIds.map((nid) =>
          api<Task>(`/api/tasks/${nid}`).catch(() => ({ id: nid, name: null })),
        ),
      );
      setServerErrors([]);
      setOutcome({ kind: 'done', completion, next });
      message.success(t('taskCompleted'));
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) {
        setServerErrors(e.errors.length ? e.errors : [{ pointer: '', message: e.problem.detail ?? e.code }]);
        setRefused(data);
      } else if (e instanceof ApiError && (e.code === 'task.not_open' || e.code === 'task.not_found')) {
        setOutcome({ kind: 'gone' });
      } else if (e instanceof ApiError && e.code === 'task.claimed_by_other') {
        setNotice(t('taskClaimedByOther'));
      } else {
        setNotice(t('failed', { detail: (e as Error).message }));
      }
    } finally {
      setBusy(false);
    }
  };

  const title = useMemo(() => (task ? taskName(task, locale) : ''), [task, locale]);

  if (loadError)
    return (
      <Outcome
        status="error"
        title={loadError.status === 404 || loadError.status === 403 ? t('notFound') : loadError.message}
        extra={<Link to="/inbox">{t('backToInbox')}</Link>}
      />
    );
  if (!task || !form || !initial) return <Spin description={t('loading')} />;

  if (outcome.kind === 'gone' || task.status !== 'open')
    return (
      <Outcome
        status="warning"
        testId="task-gone"
        title={t('taskCompletedMeanwhile')}
        extra={
          <Button type="primary" onClick={() => navigate('/inbox')}>
            {t('backToInbox')}
          </Button>
        }
      />
    );

  if (outcome.kind === 'done')
    return (
      <Outcome
        status="success"
        title={t('taskCompleted')}
        subTitle={outcome.next.length ? t('nextSteps') : t('flowEnded')}
        extra={
          <div data-testid="next-tasks" className="cf-outcome-extra">
            {outcome.next.map((n) => (
              <Button key={n.id} type="primary" onClick={() => navigate(`/tasks/${n.id}`)}>
                {t('openNextTask')}: {'elementId' in n ? taskName(n, locale) : n.id}
              </Button>
            ))}
            <Link to="/inbox">{t('backToInbox')}</Link>
          </div>
        }
      />
    );

  return (
    <div style={{ maxWidth: 1100 }}>
      <PageTitle
        extra={
          <>
            {!task.claimedBy && (
              <Button type="primary" onClick={() => claim('claim')} loading={busy}>
                {t('claim')}
              </Button>
            )}
            {task.claimedBy === me.userId && (
              <Button onClick={() => claim('unclaim')} disabled={busy}>
                {t('unclaim')}
              </Button>
            )}
          </>
        }
      >
        {t('taskTitle', { name: title })}
      </PageTitle>
      <div className="cf-panel">
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }}>
          <Descriptions.Item label={t('process')}>{task.processKey}</Descriptions.Item>
          <Descriptions.Item label={t('businessKey')}>{task.businessKey ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('dueAt')}>
            <DueTag dueAt={task.dueAt} />
          </Descriptions.Item>
          <Descriptions.Item label={t('priority')}>{task.priority ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('candidateGroups')}>
            {task.candidateGroups.map((g) => (
              <Tag key={g}>{groupName(g)}</Tag>
            ))}
          </Descriptions.Item>
          <Descriptions.Item label={t('claimedBy')}>
            {task.claimedBy
              ? task.claimedBy === me.userId
                ? t('claimedByYou')
                : userName(task.claimedBy)
              : t('unclaimed')}
          </Descriptions.Item>
          <Descriptions.Item label={t('taskForm')}>
            {t('formVersionLabel', { title: pickText(form.title, locale, form.key), version: form.version })}
          </Descriptions.Item>
        </Descriptions>
      </div>
      {notice && <Alert type="warning" showIcon role="alert" title={notice} style={{ marginBottom: 12 }} />}
      {!mine && !claimedByOther && (
        <Alert type="info" showIcon title={t('taskClaimFirst')} style={{ marginBottom: 12 }} />
      )}
      {claimedByOther && (
        <Alert type="warning" showIcon title={t('taskClaimedByOther')} style={{ marginBottom: 12 }} />
      )}
      <section className="cf-panel" aria-label={pickText(form.title, locale, form.key)}>
        <h2 className="cf-panel-title">{pickText(form.title, locale, form.key)}</h2>
        <FormRenderer
          key={`${form.key}@${form.version}`}
          version={form}
          initialData={initial}
          serverErrors={serverErrors}
          refusedData={refused}
          onSubmit={submit}
          submitLabel={t('completeTask')}
          busy={busy}
          readOnly={!mine}
          uploadTo={`/api/tasks/${encodeURIComponent(task.id)}/attachments`}
          actions={<Link to="/inbox">{t('backToInbox')}</Link>}
        />
      </section>
      <div style={{ marginTop: 16 }}>
        <WhenVisible testId="task-conversation">
          <Suspense fallback={<Spin />}>
            <TaskConversation taskId={task.id} />
          </Suspense>
        </WhenVisible>
      </div>
    </div>
  );
}
