import { detectDraft, type SchemaDraft } from '../ajv/ajv.factory.js';
import type { Locale, SchemaProblem } from '../definition/form-definition.types.js';
import { IN_PLACE_KEYWORDS, walkSchema } from '../definition/schema.walker.js';
import { formatMessage } from '../i18n/problem.messages.js';
import { getByPointer, isPlainObject, joinPointer } from '../pointer/json-pointer.utils.js';
import { decodeFragment, isFormRef, parseFormRef, type ResolveFormSchema } from './form-ref.syntax.js';

/** The root schema's document id inside this module; form refs use their collectflow: URI. */
export const ROOT_DOCUMENT = '#root';

/** A chain of form refs longer than this is almost certainly a mistake (or an attack on the store). */
const MAX_REFERENCED_FORMS = 50;

export interface ReferencedForms {
  /** uri → schema, for every form reachable from the root through form refs. */
  documents: Map<string, Record<string, unknown>>;
  problems: SchemaProblem[];
}

/** Loads every form reachable through `collectflow:` refs, reporting the ones that do not resolve. */
export function loadReferencedForms(
  root: Record<string, unknown>,
  draft: SchemaDraft,
  resolveRef: ResolveFormSchema | undefined,
  locale: Locale,
): ReferencedForms {
  const documents = new Map<string, Record<string, unknown>>();
  const problems: SchemaProblem[] = [];
  const failed = new Set<string>();
  const queue: Array<{ uri: string; schema: Record<string, unknown> }> = [
    { uri: ROOT_DOCUMENT, schema: root },
  ];
  // Problems inside another form are reported at the root's ref that led there: that is what the
  // author of this form can change.
  const entry = new Map<string, string>();
  while (queue.length > 0) {
    const doc = queue.shift()!;
    walkSchema(doc.schema, ({ node, pointer }) => {
      const ref = node.$ref;
      if (typeof ref !== 'string' || !isFormRef(ref)) return;
      const at = doc.uri === ROOT_DOCUMENT ? joinPointer(pointer, '$ref') : (entry.get(doc.uri) ?? '');
      const report = (code: 'schema.unresolved_ref' | 'schema.ref_draft_mismatch', detail = '') =>
        problems.push({ pointer: at, code, message: formatMessage(code, locale, { ref, detail }) });
      const parsed = parseFormRef(ref);
      if (!parsed) return report('schema.unresolved_ref', 'expected collectflow:<key>@<version>#<pointer>');
      if (failed.has(parsed.uri)) return report('schema.unresolved_ref', 'no such form version');
      let target = documents.get(parsed.uri);
      if (!target) {
        const resolved =
          documents.size < MAX_REFERENCED_FORMS ? resolveRef?.(parsed.key, parsed.version) : undefined;
        if (!isPlainObject(resolved)) {
          failed.add(parsed.uri);
          return report('schema.unresolved_ref', 'no such form version');
        }
        if (detectDraft(resolved) !== draft) {
          failed.add(parsed.uri);
          return report('schema.ref_draft_mismatch');
        }
        target = resolved;
        documents.set(parsed.uri, target);
        entry.set(parsed.uri, at);
        queue.push({ uri: parsed.uri, schema: target });
      }
      if (!getByPointer(target, parsed.pointer).found)
        report('schema.unresolved_ref', 'no such pointer in that form');
    });
  }
  return { documents, problems };
}

/**
 * Local refs ('#' and '#/json/pointer') that point nowhere. Anchors and relative URIs are left to
 * ajv's compiler, which knows every base-URI rule; this pass exists to report all of them at once.
 */
export function checkLocalRefs(root: Record<string, unknown>, locale: Locale): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  walkSchema(root, ({ node, pointer, resourcePointer }) => {
    const ref = node.$ref;
    if (typeof ref !== 'string' || !(ref === '#' || ref.startsWith('#/'))) return;
    const resource = getByPointer(root, resourcePointer).value;
    const target = decodeFragment(ref.slice(1));
    if (target === undefined || !getByPointer(resource, target).found) {
      problems.push({
        pointer: joinPointer(pointer, '$ref'),
        code: 'schema.unresolved_ref',
        message: formatMessage('schema.unresolved_ref', locale, {
          ref,
          detail: 'no such pointer in this schema',
        }),
      });
    }
  });
  return problems;
}

/**
 * Finds `$ref` cycles that stay on the same instance location: a ref reached again through only
 * $ref and in-place applicators (allOf, anyOf, oneOf, not, if/then/else, dependentSchemas).
 * Such a schema makes ajv's compiler, or its validator, recurse until the stack overflows.
 * Cycles through properties or items are fine: they walk down a finite document (trees).
 */
export function findRefCycles(
  root: Record<string, unknown>,
  documents: Map<string, Record<string, unknown>>,
  locale: Locale,
): SchemaProblem[] {
  const key = (doc: string, pointer: string) => `${doc}${pointer === '' ? '#' : `#${pointer}`}`;
  const edges = new Map<string, string[]>();
  const refAt = new Map<string, { doc: string; pointer: string }>();
  const all: Array<[string, Record<string, unknown>]> = [[ROOT_DOCUMENT, root], ...documents];
  for (const [doc, schema] of all) {
    walkSchema(schema, ({ node, pointer, via, parentPointer, resourcePointer }) => {
      const self = key(doc, pointer);
      if (!edges.has(self)) edges.set(self, []);
      if (parentPointer !== undefined && via !== undefined && IN_PLACE_KEYWORDS.has(via)) {
        edges.get(key(doc, parentPointer))?.push(self);
      }
      const ref = node.$ref;
      if (typeof ref !== 'string') return;
      let target: string | undefined;
      if (ref === '#' || ref.startsWith('#/')) {
        const fragment = decodeFragment(ref.slice(1));
        if (fragment !== undefined) target = key(doc, resourcePointer + fragment);
      } else {
        const parsed = isFormRef(ref) ? parseFormRef(ref) : undefined;
        if (parsed && documents.has(parsed.uri)) target = key(parsed.uri, parsed.pointer);
      }
      if (target !== undefined) {
        edges.get(self)?.push(target);
        refAt.set(self, { doc, pointer });
      }
    });
  }
  // Iterative DFS (white/grey/black); a grey target closes a cycle.
  const problems: SchemaProblem[] = [];
  const state = new Map<string, 'grey' | 'black'>();
  const reported = new Set<string>();
  for (const start of edges.keys()) {
    if (state.has(start)) continue;
    const path: string[] = [];
    const stack: Array<{ node: string; next: number }> = [{ node: start, next: 0 }];
    state.set(start, 'grey');
    path.push(start);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const targets = edges.get(frame.node) ?? [];
      if (frame.next >= targets.length) {
        state.set(frame.node, 'black');
        stack.pop();
        path.pop();
        continue;
      }
      const target = targets[frame.next++]!;
      const seen = state.get(target);
      if (seen === 'grey') {
        const cycle = path.slice(path.indexOf(target));
        const closing = cycle.map((n) => refAt.get(n)).find((r) => r !== undefined);
        const pointer = closing?.doc === ROOT_DOCUMENT ? joinPointer(closing.pointer, '$ref') : '';
        if (!reported.has(pointer)) {
          reported.add(pointer);
          const display = [...cycle, target].map((n) => n.replace(`${ROOT_DOCUMENT}#`, '#')).join(' → ');
          problems.push({
            pointer,
            code: 'schema.ref_cycle',
            message: formatMessage('schema.ref_cycle', locale, { path: display }),
          });
        }
      } else if (seen === undefined && edges.has(target)) {
        state.set(target, 'grey');
        path.push(target);
        stack.push({ node: target, next: 0 });
      }
    }
  }
  return problems;
}
