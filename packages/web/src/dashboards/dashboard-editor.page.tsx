import {
  ArrowDownOutlined,
  ArrowLeftOutlined,
  ArrowRightOutlined,
  ArrowUpOutlined,
  DeleteOutlined,
  EditOutlined,
  ExpandOutlined,
  FormOutlined,
  HistoryOutlined,
  PlusOutlined,
  SaveOutlined,
} from '@ant-design/icons';
import {
  Alert,
  Button,
  Drawer,
  Dropdown,
  Input,
  Popconfirm,
  Skeleton,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { type HTMLAttributes, type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError, api } from '../api/client';
import { useApi } from '../api/use-api';
import { useSession } from '../auth/session.context';
import { useLocale } from '../i18n/locale.context';
import type { MessageKey } from '../i18n/messages';
import { PageTitle } from '../shell/app-shell';
import { useToast } from '../shell/toast';
import { NoDashboardAccess } from './dashboard.access';
import { localized } from './dashboard.format';
import { arrange, type LayoutMove, nextSlot } from './dashboard.layout';
import type {
  Dashboard,
  DashboardDefinition,
  DashboardVersion,
  WidgetData,
  WidgetSpec,
} from './dashboard.types';
import {
  DashboardGrid,
  filterValuesOf,
  searchOf,
  useDashboardData,
  useLabeler,
  useWidgetLabelers,
} from './dashboard.view';
import { WidgetView } from './dashboard.widget';
import { WidgetBuilder } from './dashboard.widget-builder';
import { WidgetEdit } from './dashboard.widget-edit';

/** The editor: arrange and add widgets, retitle, and save the definition as a new version. */
export default function DashboardEditorPage() {
  const { can } = useSession();
  if (!can('dashboards.view') || !can('dashboards.edit')) return <NoDashboardAccess edit />;
  return <Editor />;
}

interface SaveProblem {
  detail: string;
  items: string[];
  conflict?: boolean;
}

const MOVES: { move: LayoutMove; icon: ReactNode; label: MessageKey }[] = [
  { move: 'left', icon: <ArrowLeftOutlined />, label: 'dashMoveLeft' },
  { move: 'right', icon: <ArrowRightOutlined />, label: 'dashMoveRight' },
  { move: 'up', icon: <ArrowUpOutlined />, label: 'dashMoveUp' },
  { move: 'down', icon: <ArrowDownOutlined />, label: 'dashMoveDown' },
];
const SIZES: { move: LayoutMove; label: MessageKey }[] = [
  { move: 'wider', label: 'dashWider' },
  { move: 'narrower', label: 'dashNarrower' },
  { move: 'taller', label: 'dashTaller' },
  { move: 'shorter', label: 'dashShorter' },
];

function Editor() {
  const { key = '' } = useParams();
  const { t, locale } = useLocale();
  const { message } = useToast();
  const navigate = useNavigate();
  const loaded = useApi<Dashboard>(`/api/dashboards/${encodeURIComponent(key)}`);
  const [draft, setDraft] = useState<DashboardDefinition | null>(null);
  const [dirty, setDirty] = useState(false);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<WidgetSpec | null>(null);
  const [versionsOpen, setVersionsOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<SaveProblem | null>(null);
  const [previews, setPreviews] = useState<Record<string, WidgetData>>({});
  // The filters the dashboard was showing when "edit" was clicked: the grid and the preview use them.
  const [search] = useSearchParams();
  const values = useMemo(() => filterValuesOf(search), [search]);
  const back = `/dashboards/${encodeURIComponent(key)}${search.size > 0 ? `?${searchOf(values, undefined)}` : ''}`;
  const saved = useDashboardData(key, undefined, values);
  const baseLabel = useLabeler();
  const labelFor = useWidgetLabelers(draft?.widgets, baseLabel);

  useEffect(() => {
    if (loaded.data && draft === null) setDraft(structuredClone(loaded.data.definition));
  }, [loaded.data, draft]);

  const columns = draft?.grid?.columns ?? 12;
  const change = useCallback((update: (d: DashboardDefinition) => DashboardDefinition) => {
    setDraft((d) => (d ? update(d) : d));
    setDirty(true);
  }, []);

  if (loaded.error)
    return loaded.error.status === 403 ? (
      <NoDashboardAccess edit />
    ) : (
      <Alert type="error" showIcon title={loaded.error.message} />
    );
  if (!draft || !loaded.data) return <Skeleton active />;

  const save = async () => {
    setSaving(true);
    setProblem(null);
    try {
      const result = await api<Dashboard>(`/api/dashboards/${encodeURIComponent(key)}`, {
        method: 'PUT',
        json: { definition: draft, baseVersion: loaded.data?.version ?? null },
      });
      setDirty(false);
      message.success(t('dashSaved', { version: result.version }));
      navigate(back);
    } catch (e) {
      const error =
        e instanceof ApiError ? e : new ApiError({ status: 0, code: 'client.error', detail: String(e) });
      setProblem({
        detail:
          error.status === 409 ? t('dashConflict', { version: '?' }) : (error.problem.detail ?? error.code),
        conflict: error.status === 409,
        items: error.errors.map((item) => {
          const at = /^\/definition\/widgets\/(\d+)/.exec(item.pointer);
          const widget = at ? draft.widgets[Number(at[1])] : undefined;
          const where = widget
            ? `${localized(widget.title, locale, widget.id)} (${item.pointer.replace(/^\/definition/, '')})`
            : item.pointer.replace(/^\/definition/, '') || '/';
          return t('dashProblemAt', { where, message: item.message });
        }),
      });
    } finally {
      setSaving(false);
    }
  };

  const showPreview = (widget: WidgetSpec, preview: WidgetData | null) =>
    setPreviews((p) => {
      // The saved dashboard's data is of the query before the edit.
      const { [widget.id]: _, ...rest } = p;
      return preview ? { ...rest, [widget.id]: { ...preview, id: widget.id, type: widget.type } } : rest;
    });

  const dataOf = (widget: WidgetSpec): WidgetData | undefined =>
    previews[widget.id] ??
    saved.data?.widgets.find((w) => w.id === widget.id) ??
    (saved.data ? { id: widget.id, type: widget.type, rows: [] } : undefined);

  return (
    <div className="cf-dash cf-dash-editor" data-testid="dashboard-editor">
      <PageTitle
        extra={
          <Space wrap>
            {dirty && <Tag color="gold">{t('dashUnsaved')}</Tag>}
            <Typography.Text type="secondary">
              {t('dashBaseVersion', { version: loaded.data.version })}
            </Typography.Text>
            <Button
              icon={<HistoryOutlined />}
              onClick={() => setVersionsOpen(true)}
              data-testid="versions-button"
            >
              {t('dashVersions')}
            </Button>
            <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="add-widget">
              {t('dashAddWidget')}
            </Button>
            <Link to={back}>
              <Button>{t('cancel')}</Button>
            </Link>
            <Button
              type="primary"
              icon={<SaveOutlined />}
              loading={saving}
              onClick={() => void save()}
              data-testid="save-dashboard"
            >
              {t('dashSaveVersion')}
            </Button>
          </Space>
        }
      >
        {t('dashEditorTitle', { title: localized(draft.title, locale, key) })}
      </PageTitle>
      {problem && (
        <Alert
          type="error"
          showIcon
          role="alert"
          closable
          onClose={() => setProblem(null)}
          data-testid="save-problem"
          style={{ marginBottom: 12 }}
          title={problem.conflict ? problem.detail : `${t('dashSaveFailed')}: ${problem.detail}`}
          description={
            problem.items.length > 0 ? (
              <ul className="cf-dash-problems">
                {problem.items.map((item) => (
                  <li key={item}>{item}</li>
                ))}
              </ul>
            ) : undefined
          }
          action={
            problem.conflict ? (
              <Button size="small" onClick={() => window.location.reload()}>
                {t('dashReload')}
              </Button>
            ) : undefined
          }
        />
      )}
      <div className="cf-dash-titles">
        <label className="cf-dash-filter" htmlFor="dash-title-zh">
          <span className="cf-dash-filter-label">{t('dashTitleZh')}</span>
          <Input
            id="dash-title-zh"
            data-testid="title-zh"
            value={draft.title['zh-CN']}
            maxLength={200}
            status={draft.title['zh-CN'].trim() ? undefined : 'error'}
            onChange={(e) => change((d) => ({ ...d, title: { ...d.title, 'zh-CN': e.target.value } }))}
          />
        </label>
        <label className="cf-dash-filter" htmlFor="dash-title-en">
          <span className="cf-dash-filter-label">{t('dashTitleEn')}</span>
          <Input
            id="dash-title-en"
            data-testid="title-en"
            value={draft.title.en}
            maxLength={200}
            status={draft.title.en.trim() ? undefined : 'error'}
            onChange={(e) => change((d) => ({ ...d, title: { ...d.title, en: e.target.value } }))}
          />
        </label>
      </div>
      {draft.widgets.length === 0 && (
        <Alert type="warning" showIcon title={t('dashEditorEmpty')} style={{ marginBottom: 12 }} />
      )}
      <DashboardGrid definition={draft}>
        {draft.widgets.map((widget) => (
          <WidgetView
            key={widget.id}
            dashboardKey={key}
            widget={widget}
            data={dataOf(widget)}
            currency={saved.data?.filters.values.currency?.[0]}
            label={labelFor(widget)}
            tools={
              <EditTools
                widget={widget}
                onEdit={() => setEditing(widget)}
                onMove={(move) =>
                  change((d) => ({ ...d, widgets: arrange(d.widgets, widget.id, move, columns) }))
                }
                onRetitle={(title) =>
                  change((d) => ({
                    ...d,
                    widgets: d.widgets.map((w) => (w.id === widget.id ? { ...w, title } : w)),
                  }))
                }
                onRemove={() =>
                  change((d) => ({ ...d, widgets: d.widgets.filter((w) => w.id !== widget.id) }))
                }
              />
            }
          />
        ))}
      </DashboardGrid>
      <Drawer
        open={adding}
        onClose={() => setAdding(false)}
        size={720}
        title={t('dashAddWidget')}
        destroyOnHidden
      >
        <WidgetBuilder
          definition={draft}
          values={values}
          onSave={(widget, preview) => {
            const sized = {
              ...widget,
              layout: nextSlot(draft.widgets, widget.layout.w, widget.layout.h, columns),
            };
            change((d) => ({ ...d, widgets: [...d.widgets, sized] }));
            showPreview(widget, preview);
            setAdding(false);
          }}
        />
      </Drawer>
      <Drawer
        open={editing !== null}
        onClose={() => setEditing(null)}
        size={720}
        title={editing ? `${t('dashEditWidget')}: ${localized(editing.title, locale, editing.id)}` : ''}
        destroyOnHidden
      >
        {editing && (
          <WidgetEdit
            definition={draft}
            widget={editing}
            values={values}
            onSave={(widget, preview) => {
              change((d) => ({ ...d, widgets: d.widgets.map((w) => (w.id === widget.id ? widget : w)) }));
              showPreview(widget, preview);
              setEditing(null);
            }}
          />
        )}
      </Drawer>
      <VersionsDrawer
        dashboardKey={key}
        open={versionsOpen}
        current={loaded.data.version}
        onClose={() => setVersionsOpen(false)}
      />
    </div>
  );
}

function EditTools({
  widget,
  onEdit,
  onMove,
  onRetitle,
  onRemove,
}: {
  widget: WidgetSpec;
  onEdit(): void;
  onMove(move: LayoutMove): void;
  onRetitle(title: WidgetSpec['title']): void;
  onRemove(): void;
}) {
  const { t, locale } = useLocale();
  const name = localized(widget.title, locale, widget.id);
  const { x, y, w, h } = widget.layout;
  return (
    <div className="cf-dash-edit-tools" data-testid={`edit-tools-${widget.id}`}>
      <Tooltip title={t('dashPosition', { x, y, w, h })}>
        <span className="cf-dash-position" data-testid={`layout-${widget.id}`}>{`${x},${y} ${w}×${h}`}</span>
      </Tooltip>
      {MOVES.map(({ move, icon, label }) => (
        <Tooltip key={move} title={t(label)}>
          <Button
            type="text"
            size="small"
            icon={icon}
            aria-label={`${t(label)}: ${name}`}
            data-testid={`${move}-${widget.id}`}
            onClick={() => onMove(move)}
          />
        </Tooltip>
      ))}
      <Dropdown
        trigger={['click']}
        menu={{
          items: SIZES.map(({ move, label }) => ({ key: move, label: t(label) })),
          onClick: ({ key }) => onMove(key as LayoutMove),
        }}
      >
        <Button
          type="text"
          size="small"
          icon={<ExpandOutlined />}
          aria-label={`${t('dashSize')}: ${name}`}
          data-testid={`size-${widget.id}`}
        />
      </Dropdown>
      <Tooltip title={t('dashEditWidget')}>
        <Button
          type="text"
          size="small"
          icon={<FormOutlined />}
          aria-label={`${t('dashEditWidget')}: ${name}`}
          data-testid={`edit-${widget.id}`}
          onClick={onEdit}
        />
      </Tooltip>
      <TitleEditor widget={widget} onRetitle={onRetitle} />
      <Popconfirm
        title={`${t('dashRemove')}: ${name}?`}
        onConfirm={onRemove}
        okText={t('dashRemove')}
        cancelText={t('cancel')}
      >
        <Button
          type="text"
          size="small"
          danger
          icon={<DeleteOutlined />}
          aria-label={`${t('dashRemove')}: ${name}`}
          data-testid={`remove-${widget.id}`}
        />
      </Popconfirm>
    </div>
  );
}

function TitleEditor({
  widget,
  onRetitle,
}: {
  widget: WidgetSpec;
  onRetitle(title: WidgetSpec['title']): void;
}) {
  const { t } = useLocale();
  const [open, setOpen] = useState(false);
  const [zh, setZh] = useState(widget.title['zh-CN']);
  const [en, setEn] = useState(widget.title.en);
  return (
    <Popconfirm
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) {
          setZh(widget.title['zh-CN']);
          setEn(widget.title.en);
        }
      }}
      icon={null}
      title={t('dashWidgetTitle')}
      description={
        <Space orientation="vertical" style={{ width: 260 }}>
          <Input
            addonBefore="中"
            aria-label={t('dashTitleZh')}
            value={zh}
            maxLength={200}
            onChange={(e) => setZh(e.target.value)}
          />
          <Input
            addonBefore="EN"
            aria-label={t('dashTitleEn')}
            value={en}
            maxLength={200}
            onChange={(e) => setEn(e.target.value)}
          />
        </Space>
      }
      okButtonProps={{ disabled: !zh.trim() || !en.trim() }}
      okText={t('save')}
      cancelText={t('cancel')}
      onConfirm={() => onRetitle({ 'zh-CN': zh.trim(), en: en.trim() })}
    >
      <Button
        type="text"
        size="small"
        icon={<EditOutlined />}
        aria-label={`${t('dashWidgetTitle')}: ${widget.title.en}`}
        data-testid={`retitle-${widget.id}`}
      />
    </Popconfirm>
  );
}

function VersionsDrawer({
  dashboardKey,
  open,
  current,
  onClose,
}: {
  dashboardKey: string;
  open: boolean;
  current: number;
  onClose(): void;
}) {
  const { t, formatDateTime } = useLocale();
  const versions = useApi<DashboardVersion[]>(
    open ? `/api/dashboards/${encodeURIComponent(dashboardKey)}/versions` : null,
  );
  return (
    <Drawer open={open} onClose={onClose} title={t('dashVersions')} size={420}>
      {versions.error && <Alert type="error" showIcon title={versions.error.message} />}
      <Table<DashboardVersion>
        data-testid="versions-list"
        rowKey="version"
        size="small"
        pagination={false}
        loading={versions.loading}
        dataSource={versions.data ?? []}
        onRow={(v) => ({ 'data-testid': `version-${v.version}` }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            key: 'version',
            title: t('version'),
            render: (_, v) => (
              <Space size={4} wrap>
                {v.version}
                {v.version === current && <Tag color="blue">{t('dashVersionCurrent')}</Tag>}
                {v.builtin && <Tag>{t('dashVersionBuiltin')}</Tag>}
              </Space>
            ),
          },
          {
            key: 'saved',
            title: t('dashColUpdated'),
            render: (_, v) => (
              <span>
                {formatDateTime(v.savedAt)}
                <br />
                <Typography.Text type="secondary">{v.savedBy}</Typography.Text>
              </span>
            ),
          },
          {
            key: 'open',
            title: '',
            width: 72,
            render: (_, v) => (
              <Link
                style={{ whiteSpace: 'nowrap' }}
                to={`/dashboards/${encodeURIComponent(dashboardKey)}?version=${v.version}`}
              >
                {t('dashOpen')}
              </Link>
            ),
          },
        ]}
      />
    </Drawer>
  );
}
