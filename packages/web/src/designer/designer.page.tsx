import { RedoOutlined, SaveOutlined, SendOutlined, UndoOutlined } from '@ant-design/icons';
import {
  type CollisionDetection,
  DndContext,
  type DragEndEvent,
  DragOverlay,
  type DragStartEvent,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { sortableKeyboardCoordinates } from '@dnd-kit/sortable';
import { Alert, Badge, Button, Form, Input, Modal, Space, Spin, Tabs, Tag, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError, type ProblemItem } from '../api/client';
import { FormRenderer } from '../forms/form-renderer';
import { pickText } from '../forms/localize-form';
import { useLocale } from '../i18n/locale.context';
import { en } from '../i18n/messages.en';
import { zhCN } from '../i18n/messages.zh-CN';
import { useToast } from '../shell/toast';
import { designerApi } from './designer.api';
import { DragPreview, FieldList, kindLabel, Palette } from './designer.canvas';
import { displayLabel, locate } from './designer.fields';
import { canRedo, canUndo, commit, type History, redo, startHistory, undo } from './designer.history';
import { JsonView } from './designer.json-view';
import {
  type DesignerState,
  deepEqual,
  type FieldKind,
  type FormDefinitionLike,
  fromDefinition,
  toDefinition,
} from './designer.model';
import { addField, checkState, moveField, removeField, type StateIssue } from './designer.ops';
import { PropertiesPanel } from './designer.properties';
import { PublishDialog, VersionsPanel } from './designer.versions';
import './designer.css';

/** The innermost drop target under the pointer: a field inside a section wins over the section. */
const innermost: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  const pool = hits.length > 0 ? hits : rectIntersection(args);
  const area = (id: string | number) => {
    const r = args.droppableRects.get(id);
    return r ? r.width * r.height : Number.POSITIVE_INFINITY;
  };
  return [...pool].sort((a, b) => area(a.id) - area(b.id));
};

interface Loaded {
  history: History<DesignerState>;
  /** The definition as last loaded or saved (stored JSON does not keep key order: compare by value). */
  saved: FormDefinitionLike;
  revision: number;
  latestVersion: number | null;
}

export default function DesignerPage() {
  const { key = '' } = useParams();
  const { t, locale } = useLocale();
  const { message } = useToast();
  const navigate = useNavigate();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [tab, setTab] = useState('design');
  const [issues, setIssues] = useState<StateIssue[]>([]);
  const [serverProblems, setServerProblems] = useState<ProblemItem[]>([]);
  const [saving, setSaving] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [versionsRefresh, setVersionsRefresh] = useState(0);
  const [dragging, setDragging] = useState<{ kind: FieldKind; label: string } | null>(null);
  const [leaveTo, setLeaveTo] = useState<string | null>(null);
  const lastMerge = useRef<string | undefined>(undefined);

  useEffect(() => {
    let live = true;
    Promise.all([designerApi.getDraft(key), designerApi.getForm(key)]).then(
      ([draft, form]) => {
        if (!live) return;
        const definition = {
          key: draft.key,
          title: draft.title,
          schema: draft.schema,
          uiSchema: draft.uiSchema,
          metadata: draft.metadata,
        };
        setLoaded({
          history: startHistory(fromDefinition(definition)),
          saved: definition,
          revision: draft.revision,
          latestVersion: form.latestVersion,
        });
      },
      (e: unknown) => live && setLoadError(e instanceof ApiError ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [key]);

  const state = loaded?.history.present;
  const definition = useMemo(() => (state ? toDefinition(state) : null), [state]);
  const dirty = Boolean(loaded && definition && !deepEqual(definition, loaded.saved));

  const apply = useCallback((next: DesignerState, merge?: string) => {
    setLoaded((l) => {
      if (!l) return l;
      const same = merge !== undefined && merge === lastMerge.current && l.history.past.length > 0;
      lastMerge.current = merge;
      const history = same ? { ...l.history, present: next, future: [] } : commit(l.history, next);
      return { ...l, history };
    });
    setIssues([]);
  }, []);
  const step = useCallback((direction: 'undo' | 'redo') => {
    lastMerge.current = undefined;
    setLoaded((l) => (l ? { ...l, history: direction === 'undo' ? undo(l.history) : redo(l.history) } : l));
  }, []);

  // Ctrl+Z / Ctrl+Shift+Z outside text boxes (which keep their own undo).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target?.closest('input, textarea, [contenteditable="true"]')) return;
      if (!(e.ctrlKey || e.metaKey)) return;
      const k = e.key.toLowerCase();
      if (k === 'z' && !e.shiftKey) {
        e.preventDefault();
        step('undo');
      } else if ((k === 'z' && e.shiftKey) || k === 'y') {
        e.preventDefault();
        step('redo');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [step]);

  // Unsaved changes: the browser asks before a reload or close; links inside the app ask here.
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    const onClick = (e: MouseEvent) => {
      const a = (e.target as HTMLElement | null)?.closest('a[href]') as HTMLAnchorElement | null;
      if (!a || a.target === '_blank' || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
      const url = new URL(a.href, window.location.href);
      if (url.origin !== window.location.origin || url.pathname === window.location.pathname) return;
      e.preventDefault();
      e.stopPropagation();
      setLeaveTo(url.pathname + url.search);
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('click', onClick, true);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('click', onClick, true);
    };
  }, [dirty]);

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  if (loadError) return <Alert type="error" showIcon title={loadError} />;
  if (!loaded || !state || !definition) return <Spin />;

  const kindTexts = (kind: FieldKind) => ({
    'zh-CN': zhCN[kindLabel(kind)],
    en: en[kindLabel(kind)],
  });

  const add = (kind: FieldKind, containerId: string, index: number) => {
    const made = addField(state, containerId, index, kind, kindTexts(kind));
    apply(made.state);
    setSelected(made.id);
  };

  /** A click on the palette: into the selected section, else after the selected field, else at the end. */
  const addByClick = (kind: FieldKind) => {
    const found = selected ? locate(state.root, selected) : undefined;
    if (!found) return add(kind, 'root', state.root.fields.length);
    if (found.field.children && !found.field.children.raw)
      return add(kind, found.field.id, found.field.children.fields.length);
    add(kind, found.parent?.id ?? 'root', found.index + 1);
  };

  const onDragStart = (e: DragStartEvent) => {
    const id = String(e.active.id);
    if (id.startsWith('palette:')) {
      const kind = id.slice(8) as FieldKind;
      setDragging({ kind, label: t(kindLabel(kind)) });
    } else {
      const found = locate(state.root, id);
      if (found) setDragging({ kind: found.field.kind, label: displayLabel(found.field, locale) });
    }
  };

  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null);
    const over = e.over ? String(e.over.id) : null;
    const active = String(e.active.id);
    if (!over || over === active) return;
    let containerId: string;
    let index: number;
    if (over.startsWith('zone:')) {
      containerId = over.slice(5);
      const container = containerId === 'root' ? state.root : locate(state.root, containerId)?.field.children;
      index = container?.fields.length ?? 0;
    } else {
      const found = locate(state.root, over);
      if (!found) return;
      containerId = found.parent?.id ?? 'root';
      index = found.index;
    }
    if (active.startsWith('palette:')) add(active.slice(8) as FieldKind, containerId, index);
    else apply(moveField(state, active, containerId, index));
  };

  const save = async (): Promise<number | null> => {
    const found = checkState(state);
    setIssues(found);
    setServerProblems([]);
    if (found.length > 0) return null;
    setSaving(true);
    try {
      const result = await designerApi.saveDraft(definition, loaded.revision);
      setLoaded((l) => (l ? { ...l, saved: definition, revision: result.draft.revision } : l));
      message.success(t('dzSaved'));
      return result.draft.revision;
    } catch (e) {
      if (e instanceof ApiError && e.errors.length > 0) setServerProblems(e.errors);
      else message.error(e instanceof Error ? e.message : String(e));
      return null;
    } finally {
      setSaving(false);
    }
  };

  const startPublish = async () => {
    if (dirty && (await save()) === null) return;
    setPublishing(true);
  };

  const selectedField = selected ? locate(state.root, selected)?.field : undefined;
  const issueIds = new Set(issues.map((i) => i.fieldId).filter((x): x is string => x !== null));
  const remove = (id: string) => {
    apply(removeField(state, id));
    if (selected === id) setSelected(null);
  };

  const design = (
    <DndContext
      sensors={sensors}
      collisionDetection={innermost}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      onDragCancel={() => setDragging(null)}
    >
      <div className="cf-dz-body">
        <Palette onAdd={addByClick} />
        <main className="cf-dz-canvas" aria-label={t('dzDesign')}>
          <FieldList
            container={state.root}
            containerId="root"
            selected={selected}
            onSelect={setSelected}
            onRemove={remove}
            issues={issueIds}
          />
        </main>
        <aside className="cf-dz-props" aria-label={t('dzProperties')}>
          {selectedField ? (
            <PropertiesPanel key={selectedField.id} state={state} field={selectedField} apply={apply} />
          ) : (
            <FormSettings state={state} apply={apply} />
          )}
        </aside>
      </div>
      <DragOverlay dropAnimation={null}>
        {dragging ? <DragPreview kind={dragging.kind} label={dragging.label} /> : null}
      </DragOverlay>
    </DndContext>
  );

  return (
    <div className="cf-dz" data-testid="designer">
      <div className="cf-dz-toolbar">
        <Typography.Title level={4} className="cf-dz-title">
          {pickText(state.title, locale, key)} <code className="cf-dz-form-key">{key}</code>
        </Typography.Title>
        <Space wrap>
          {dirty ? (
            <Badge status="warning" text={t('dzUnsaved')} data-testid="dirty" />
          ) : (
            <Badge status="success" text={t('dzAllSaved')} />
          )}
          {loaded.latestVersion !== null && <Tag>v{loaded.latestVersion}</Tag>}
          <Tooltip title="Ctrl+Z">
            <Button icon={<UndoOutlined />} disabled={!canUndo(loaded.history)} onClick={() => step('undo')}>
              {t('dzUndo')}
            </Button>
          </Tooltip>
          <Tooltip title="Ctrl+Shift+Z">
            <Button icon={<RedoOutlined />} disabled={!canRedo(loaded.history)} onClick={() => step('redo')}>
              {t('dzRedo')}
            </Button>
          </Tooltip>
          <Button
            icon={<SaveOutlined />}
            loading={saving}
            disabled={!dirty}
            onClick={save}
            data-testid="save-draft"
          >
            {t('dzSaveDraft')}
          </Button>
          <Button type="primary" icon={<SendOutlined />} onClick={startPublish} data-testid="publish">
            {t('dzPublish')}
          </Button>
        </Space>
      </div>
      {issues.length > 0 && (
        <Alert
          type="error"
          showIcon
          role="alert"
          className="cf-dz-alert"
          title={t('dzIssues')}
          description={
            <ul className="cf-dz-problems">
              {issues.map((i, n) => {
                const f = i.fieldId ? locate(state.root, i.fieldId)?.field : undefined;
                return (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list per save attempt
                  <li key={n}>
                    {t(`dzIssue.${i.code}`)}
                    {f && (
                      <Button type="link" size="small" onClick={() => setSelected(f.id)}>
                        {displayLabel(f, locale)} ({f.key})
                      </Button>
                    )}
                  </li>
                );
              })}
            </ul>
          }
        />
      )}
      {serverProblems.length > 0 && (
        <Alert
          type="error"
          showIcon
          role="alert"
          className="cf-dz-alert"
          title={t('dzServerProblems')}
          description={
            <ul className="cf-dz-problems">
              {serverProblems.map((p) => (
                <li key={`${p.pointer}|${p.message}`}>
                  <code>{p.pointer}</code> {p.message}
                </li>
              ))}
            </ul>
          }
        />
      )}
      <Tabs
        activeKey={tab}
        onChange={setTab}
        className="cf-dz-tabs"
        items={[
          { key: 'design', label: t('dzDesign'), children: design },
          {
            key: 'preview',
            label: t('dzPreview'),
            children: (
              <div className="cf-dz-preview" data-testid="preview">
                <FormRenderer
                  version={{ ...definition, version: 0 }}
                  idPrefix="preview"
                  onSubmit={() => {
                    message.success(t('dzJsonValid'));
                  }}
                  submitLabel={t('dzPreview')}
                />
              </div>
            ),
          },
          {
            key: 'json',
            label: t('dzJson'),
            children: (
              <JsonView
                definition={definition}
                onApply={(d) => {
                  setSelected(null);
                  apply(fromDefinition(d));
                }}
              />
            ),
          },
          {
            key: 'versions',
            label: t('dzVersions'),
            children: <VersionsPanel formKey={key} refresh={versionsRefresh} />,
          },
        ]}
      />
      <PublishDialog
        formKey={key}
        open={publishing}
        revision={loaded.revision}
        hasVersion={loaded.latestVersion !== null}
        onClose={() => setPublishing(false)}
        onPublished={(version) => {
          setPublishing(false);
          setLoaded((l) => (l ? { ...l, latestVersion: version } : l));
          setVersionsRefresh((n) => n + 1);
          message.success(t('dzPublished', { version }));
        }}
      />
      <Modal
        open={leaveTo !== null}
        title={t('dzLeaveTitle')}
        okText={t('dzLeave')}
        cancelText={t('dzStay')}
        okButtonProps={{ danger: true }}
        onCancel={() => setLeaveTo(null)}
        onOk={() => {
          const to = leaveTo;
          setLeaveTo(null);
          setLoaded(null);
          if (to) navigate(to);
        }}
      >
        {t('dzLeaveBody')}
      </Modal>
    </div>
  );
}

/** With no field selected: the form's names, and the parts the designer keeps without editing. */
function FormSettings({
  state,
  apply,
}: {
  state: DesignerState;
  apply(next: DesignerState, merge?: string): void;
}) {
  const { t } = useLocale();
  const { $schema: _s, type: _t, ...schemaRest } = state.schema;
  const keptAllOf = (state.root.written.allOf ?? []).flatMap((s) => ('raw' in s ? [s.raw] : []));
  const kept: Record<string, unknown> = {
    ...(Object.keys(schemaRest).length > 0 ? { schema: schemaRest } : {}),
    ...(keptAllOf.length > 0 ? { allOf: keptAllOf } : {}),
    ...(Object.keys(state.ui).length > 0 ? { uiSchema: state.ui } : {}),
    ...(state.rest.sensitive.length + state.rest.indexed.length + state.rest.computed.length > 0
      ? { metadata: state.rest }
      : {}),
  };
  const setTitle = (locale: 'zh-CN' | 'en', text: string) =>
    apply({ ...state, title: { ...state.title, [locale]: text } }, `title-${locale}`);
  return (
    <div data-testid="form-settings">
      <Typography.Title level={5}>{t('dzFormSettings')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('dzSelectField')}</Typography.Paragraph>
      <Form layout="vertical" size="small">
        <Form.Item label={t('dzFormKey')}>
          <Input value={state.key} disabled />
        </Form.Item>
        <Form.Item label={t('dzTitleZh')}>
          <Input value={state.title['zh-CN']} onChange={(e) => setTitle('zh-CN', e.target.value)} />
        </Form.Item>
        <Form.Item label={t('dzTitleEn')}>
          <Input value={state.title.en} onChange={(e) => setTitle('en', e.target.value)} />
        </Form.Item>
      </Form>
      <Typography.Text strong>{t('dzAdvancedParts')}</Typography.Text>
      {Object.keys(kept).length > 0 ? (
        <pre className="cf-dz-json-small" data-testid="advanced-parts">
          {JSON.stringify(kept, null, 2)}
        </pre>
      ) : (
        <Typography.Paragraph type="secondary">{t('dzNoAdvancedParts')}</Typography.Paragraph>
      )}
    </div>
  );
}
