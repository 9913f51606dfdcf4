/**
 * Edits of the designer state. Each returns a new state (the old one stays intact for undo).
 */
import {
  allFields,
  CONDITION_KINDS,
  containerById,
  deriveKey,
  KEY_PATTERN,
  labelOf,
  locate,
  NUMERIC_KINDS,
  newField,
  setLabel,
  uniqueKey,
} from './designer.fields';
import type { Container, DesignerField, DesignerState, FieldKind, Texts } from './designer.model';

const copy = (s: DesignerState): DesignerState => structuredClone(s);

/** Adds a new field of `kind` to a container ('root' or a section/group id) at `index`. */
export function addField(
  state: DesignerState,
  containerId: string,
  index: number,
  kind: FieldKind,
  label: Texts,
): { state: DesignerState; id: string } {
  const next = copy(state);
  const container = containerById(next.root, containerId) ?? next.root;
  const field = newField(kind, label, container.fields);
  container.fields.splice(Math.max(0, Math.min(index, container.fields.length)), 0, field);
  return { state: next, id: field.id };
}

/** Whether `containerId` is the field itself or inside it (a section cannot go into itself). */
function isWithin(field: DesignerField, containerId: string): boolean {
  if (field.id === containerId) return true;
  return (field.children?.fields ?? []).some((c) => isWithin(c, containerId));
}

/** Moves a field to `index` of a container; a key taken there gets a number. */
export function moveField(
  state: DesignerState,
  id: string,
  containerId: string,
  index: number,
): DesignerState {
  const next = copy(state);
  const found = locate(next.root, id);
  if (!found || isWithin(found.field, containerId)) return state;
  const target = containerById(next.root, containerId);
  if (!target) return state;
  found.container.fields.splice(found.index, 1);
  const sameContainer = target === found.container;
  const at = Math.max(0, Math.min(index, target.fields.length));
  if (!sameContainer) {
    const field = found.field;
    field.key = uniqueKey(field.key, target.fields);
    // Conditions test sibling fields: they do not survive a move to another container.
    delete field.visibleWhen;
    for (const f of found.container.fields) if (f.visibleWhen?.field === field.key) delete f.visibleWhen;
  }
  target.fields.splice(at, 0, found.field);
  return next;
}

export function removeField(state: DesignerState, id: string): DesignerState {
  const next = copy(state);
  const found = locate(next.root, id);
  if (!found) return state;
  found.container.fields.splice(found.index, 1);
  for (const f of found.container.fields) if (f.visibleWhen?.field === found.field.key) delete f.visibleWhen;
  return next;
}

/** Applies `edit` to a copy of the field. */
export function updateField(
  state: DesignerState,
  id: string,
  edit: (field: DesignerField) => void,
): DesignerState {
  const next = copy(state);
  const found = locate(next.root, id);
  if (!found) return state;
  edit(found.field);
  return next;
}

/** Sets the label; a key nobody edited follows the English label. */
export function relabel(state: DesignerState, id: string, label: Partial<Texts>): DesignerState {
  const next = copy(state);
  const found = locate(next.root, id);
  if (!found) return state;
  setLabel(found.field, label);
  if (!found.field.keyEdited && label.en !== undefined) {
    const key = uniqueKey(
      deriveKey(labelOf(found.field), found.field.kind),
      found.container.fields,
      found.field,
    );
    renameIn(next, found.container, found.field, key);
  }
  return next;
}

export type KeyProblem = 'invalid' | 'duplicate';

/** Renames a field's key (conditions and computed expressions follow), or says why not. */
export function rekey(
  state: DesignerState,
  id: string,
  key: string,
): { state: DesignerState; problem?: KeyProblem } {
  const next = copy(state);
  const found = locate(next.root, id);
  if (!found) return { state };
  if (!KEY_PATTERN.test(key)) return { state, problem: 'invalid' };
  if (found.container.fields.some((f) => f !== found.field && f.key === key))
    return { state, problem: 'duplicate' };
  found.field.keyEdited = true;
  renameIn(next, found.container, found.field, key);
  return { state: next };
}

function renameIn(state: DesignerState, container: Container, field: DesignerField, key: string): void {
  const old = field.key;
  if (old === key) return;
  field.key = key;
  for (const f of container.fields)
    if (f.visibleWhen?.field === old) f.visibleWhen = { ...f.visibleWhen, field: key };
  // Computed expressions name the fields of their own level (the root's, for the usual case).
  for (const f of container.fields) {
    if (f.computed) f.computed.expression = renameIdentifier(f.computed.expression, old, key);
  }
  if (container === state.root) {
    for (const c of state.rest.computed) c.expression = renameIdentifier(c.expression, old, key);
  }
}

/** Replaces a whole identifier outside quoted strings. */
export function renameIdentifier(expression: string, from: string, to: string): string {
  const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return expression
    .split(/("[^"]*"|'[^']*')/)
    .map((part, i) =>
      i % 2 === 1 ? part : part.replace(new RegExp(`(?<![\\w.$])${escaped}(?![\\w$])`, 'g'), to),
    )
    .join('');
}

/** Fields a condition on `field` may test: scalar siblings other than itself. */
export function conditionCandidates(state: DesignerState, id: string): DesignerField[] {
  const found = locate(state.root, id);
  if (!found) return [];
  return found.container.fields.filter((f) => f !== found.field && CONDITION_KINDS.has(f.kind));
}

/** Fields a computed expression may name: numeric siblings other than itself. */
export function expressionCandidates(state: DesignerState, id: string): DesignerField[] {
  const found = locate(state.root, id);
  if (!found) return [];
  return found.container.fields.filter((f) => f !== found.field && NUMERIC_KINDS.has(f.kind));
}

export interface StateIssue {
  fieldId: string | null;
  code:
    | 'label.missing'
    | 'key.invalid'
    | 'key.duplicate'
    | 'options.empty'
    | 'computed.empty'
    | 'condition.dangling'
    | 'container.empty'
    | 'form.key'
    | 'form.title';
}

/** What keeps the form from being saved, found before the server is asked. */
export function checkState(state: DesignerState): StateIssue[] {
  const issues: StateIssue[] = [];
  if (!/^[a-z][a-z0-9-]{1,62}$/.test(state.key)) issues.push({ fieldId: null, code: 'form.key' });
  if (!state.title['zh-CN'] || !state.title.en) issues.push({ fieldId: null, code: 'form.title' });
  const visit = (container: Container) => {
    const seen = new Set<string>();
    for (const f of container.fields) {
      if (!KEY_PATTERN.test(f.key)) issues.push({ fieldId: f.id, code: 'key.invalid' });
      if (seen.has(f.key)) issues.push({ fieldId: f.id, code: 'key.duplicate' });
      seen.add(f.key);
      if (f.kind !== 'advanced') {
        const label = labelOf(f);
        if (!label['zh-CN'] && !label.en) issues.push({ fieldId: f.id, code: 'label.missing' });
      }
      if (f.kind === 'singleChoice' || f.kind === 'multipleChoice') {
        const node = f.kind === 'multipleChoice' ? (f.schema.items as Record<string, unknown>) : f.schema;
        if (!Array.isArray(node?.enum) || node.enum.length === 0)
          issues.push({ fieldId: f.id, code: 'options.empty' });
      }
      if (f.computed && f.computed.expression.trim() === '')
        issues.push({ fieldId: f.id, code: 'computed.empty' });
      if (f.visibleWhen && !container.fields.some((s) => s !== f && s.key === f.visibleWhen?.field))
        issues.push({ fieldId: f.id, code: 'condition.dangling' });
      if (f.children && !f.children.raw) {
        if (f.children.fields.length === 0) issues.push({ fieldId: f.id, code: 'container.empty' });
        visit(f.children);
      }
    }
  };
  visit(state.root);
  return issues;
}

/** A new, empty form. */
export function emptyState(key: string, title: Texts): DesignerState {
  return {
    key,
    title,
    schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' },
    ui: {},
    root: { fields: [], written: {} },
    rest: { sensitive: [], indexed: [], computed: [] },
    written: { sensitive: [], indexed: [], computed: [] },
  };
}

export { allFields };
