import {
  BorderOutlined,
  CalculatorOutlined,
  CalendarOutlined,
  CheckCircleOutlined,
  CheckSquareOutlined,
  ClockCircleOutlined,
  DeleteOutlined,
  DollarOutlined,
  EnvironmentOutlined,
  FieldNumberOutlined,
  FileTextOutlined,
  FontSizeOutlined,
  HolderOutlined,
  IdcardOutlined,
  MailOutlined,
  PaperClipOutlined,
  PercentageOutlined,
  PhoneOutlined,
  SwitcherOutlined,
  ToolOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { useDraggable, useDroppable } from '@dnd-kit/core';
import { SortableContext, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { Button, Tag, Tooltip } from 'antd';
import type { ReactNode } from 'react';
import { useLocale } from '../i18n/locale.context';
import type { MessageKey } from '../i18n/messages';
import { displayLabel } from './designer.fields';
import { type Container, type DesignerField, FIELD_KINDS, type FieldKind } from './designer.model';

export const KIND_ICONS: Record<FieldKind, ReactNode> = {
  text: <FontSizeOutlined />,
  longText: <FileTextOutlined />,
  number: <FieldNumberOutlined />,
  money: <DollarOutlined />,
  percentage: <PercentageOutlined />,
  date: <CalendarOutlined />,
  dateTime: <ClockCircleOutlined />,
  singleChoice: <CheckCircleOutlined />,
  multipleChoice: <CheckSquareOutlined />,
  yesNo: <SwitcherOutlined />,
  phone: <PhoneOutlined />,
  email: <MailOutlined />,
  idNumber: <IdcardOutlined />,
  address: <EnvironmentOutlined />,
  file: <PaperClipOutlined />,
  section: <BorderOutlined />,
  group: <UnorderedListOutlined />,
  computed: <CalculatorOutlined />,
  advanced: <ToolOutlined />,
};

export const kindLabel = (kind: FieldKind) => `dzKind.${kind}` as MessageKey;

/** Drag ids: palette items, fields (their own ids) and container drop zones. */
export const paletteId = (kind: FieldKind) => `palette:${kind}`;
export const zoneId = (containerId: string) => `zone:${containerId}`;

function PaletteItem({ kind, onAdd }: { kind: FieldKind; onAdd(kind: FieldKind): void }) {
  const { t } = useLocale();
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: paletteId(kind) });
  return (
    <button
      type="button"
      ref={setNodeRef}
      className={`cf-dz-palette-item${isDragging ? ' is-dragging' : ''}`}
      data-testid={`palette-${kind}`}
      onClick={() => onAdd(kind)}
      {...attributes}
      {...listeners}
    >
      {KIND_ICONS[kind]}
      <span>{t(kindLabel(kind))}</span>
    </button>
  );
}

export function Palette({ onAdd }: { onAdd(kind: FieldKind): void }) {
  const { t } = useLocale();
  return (
    <aside className="cf-dz-palette" aria-label={t('dzPalette')}>
      <div className="cf-dz-pane-title">{t('dzPalette')}</div>
      <div className="cf-dz-hint">{t('dzPaletteHint')}</div>
      <div className="cf-dz-palette-grid">
        {FIELD_KINDS.map((kind) => (
          <PaletteItem key={kind} kind={kind} onAdd={onAdd} />
        ))}
      </div>
    </aside>
  );
}

interface CanvasProps {
  container: Container;
  containerId: string;
  selected: string | null;
  onSelect(id: string): void;
  onRemove(id: string): void;
  issues: Set<string>;
}

/** A container's fields, sortable, with a zone that takes drops at its end. */
export function FieldList(props: CanvasProps) {
  const { t } = useLocale();
  const { container, containerId } = props;
  const { setNodeRef, isOver } = useDroppable({ id: zoneId(containerId) });
  return (
    <SortableContext items={container.fields.map((f) => f.id)} strategy={verticalListSortingStrategy}>
      <div
        ref={setNodeRef}
        className={`cf-dz-list${isOver ? ' is-over' : ''}${containerId === 'root' ? ' is-root' : ''}`}
        data-testid={`zone-${containerId}`}
      >
        {container.fields.map((f) => (
          <FieldCard key={f.id} {...props} field={f} />
        ))}
        {container.fields.length === 0 && (
          <div className="cf-dz-empty">{containerId === 'root' ? t('dzCanvasEmpty') : t('dzDropHere')}</div>
        )}
      </div>
    </SortableContext>
  );
}

function FieldCard({ field, ...props }: CanvasProps & { field: DesignerField }) {
  const { selected, onSelect, onRemove, issues } = props;
  const { t, locale } = useLocale();
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id: field.id,
  });
  const style = { transform: CSS.Translate.toString(transform), transition };
  const isSelected = selected === field.id;
  return (
    <div
      ref={setNodeRef}
      style={style}
      className={`cf-dz-field${isSelected ? ' is-selected' : ''}${isDragging ? ' is-dragging' : ''}${
        issues.has(field.id) ? ' has-issue' : ''
      }`}
      data-testid={`field-${field.key}`}
    >
      {/* biome-ignore lint/a11y/useSemanticElements: a card holding buttons cannot itself be a button */}
      <div
        className="cf-dz-field-head"
        role="button"
        tabIndex={0}
        aria-pressed={isSelected}
        onClick={(e) => {
          e.stopPropagation();
          onSelect(field.id);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            onSelect(field.id);
          }
        }}
      >
        <span className="cf-dz-handle" {...attributes} {...listeners} title={field.key}>
          <HolderOutlined />
        </span>
        <span className="cf-dz-kind-icon">{KIND_ICONS[field.kind]}</span>
        <span className="cf-dz-field-label">
          {displayLabel(field, locale)}
          {field.required && <span className="cf-dz-required">*</span>}
        </span>
        <code className="cf-dz-key">{field.key}</code>
        <span className="cf-dz-tags">
          <Tag>{t(kindLabel(field.kind))}</Tag>
          {field.sensitive && <Tag color="orange">{t('dzSensitiveTag')}</Tag>}
          {field.visibleWhen && <Tag color="blue">{t('dzConditionTag')}</Tag>}
        </span>
        <Tooltip title={t('dzDelete')}>
          <Button
            size="small"
            type="text"
            danger
            icon={<DeleteOutlined />}
            aria-label={`${t('dzDelete')} ${field.key}`}
            onClick={(e) => {
              e.stopPropagation();
              onRemove(field.id);
            }}
          />
        </Tooltip>
      </div>
      {field.children && !field.children.raw && (
        <div className="cf-dz-children">
          <FieldList {...props} container={field.children} containerId={field.id} />
        </div>
      )}
    </div>
  );
}

export function DragPreview({ kind, label }: { kind: FieldKind; label: string }) {
  return (
    <div className="cf-dz-drag-preview">
      {KIND_ICONS[kind]} <span>{label}</span>
    </div>
  );
}
