type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A branch condition: whether data at an object satisfies a subschema (the renderer's validator). */
export type Holds = (schema: Json, data: unknown) => boolean;

/**
 * Which fields an `if`/`then`/`else` hides. The definitions declare every field under
 * `properties` and name the conditional ones in a branch (`"then": { "properties": { "closedOn":
 * true }, "required": ["closedOn"] }`), so a field that only an inactive branch names is hidden,
 * and one that an active branch names is shown (with the required marker rjsf adds from the
 * branch). Returns dotted paths ('creditor.uscc'), for nested objects too.
 */
export function hiddenFields(schema: Json, data: unknown, holds: Holds): Set<string> {
  const hidden = new Set<string>();
  visit(schema, isObject(data) ? data : {}, '', holds, hidden);
  return hidden;
}

function branchFields(branch: unknown): string[] {
  if (!isObject(branch)) return [];
  const names = new Set<string>();
  if (isObject(branch.properties)) for (const k of Object.keys(branch.properties)) names.add(k);
  if (Array.isArray(branch.required))
    for (const k of branch.required) if (typeof k === 'string') names.add(k);
  return [...names];
}

function visit(node: Json, data: Json, prefix: string, holds: Holds, hidden: Set<string>): void {
  const conditionals = [node, ...(Array.isArray(node.allOf) ? node.allOf.filter(isObject) : [])].filter((s) =>
    isObject(s.if),
  );
  if (conditionals.length > 0) {
    const active = new Set<string>();
    const inactive = new Set<string>();
    for (const c of conditionals) {
      const matches = holds(c.if as Json, data);
      for (const f of branchFields(c.then)) (matches ? active : inactive).add(f);
      for (const f of branchFields(c.else)) (matches ? inactive : active).add(f);
    }
    for (const f of inactive) if (!active.has(f)) hidden.add(prefix ? `${prefix}.${f}` : f);
  }
  if (isObject(node.properties)) {
    for (const [name, child] of Object.entries(node.properties)) {
      if (!isObject(child)) continue;
      const path = prefix ? `${prefix}.${name}` : name;
      if (hidden.has(path)) continue;
      if (child.type === 'object' || isObject(child.properties)) {
        visit(child, isObject(data[name]) ? (data[name] as Json) : {}, path, holds, hidden);
      }
    }
  }
}

/** The uiSchema with hidden fields rendered by the `cfHidden` field (nothing) and computed fields read-only. */
export function uiWithState(uiSchema: Json, hidden: Set<string>, computed: string[]): Json {
  if (hidden.size === 0 && computed.length === 0) return uiSchema;
  const out = structuredClone(uiSchema);
  const at = (path: string[]): Json => {
    let node = out;
    for (const segment of path) {
      const next = node[segment];
      if (!isObject(next)) node[segment] = {};
      node = node[segment] as Json;
    }
    return node;
  };
  for (const path of hidden) at(path.split('.'))['ui:field'] = 'cfHidden';
  for (const pointer of computed) {
    const target = at(pointer.split('/').slice(1));
    target['ui:readonly'] = true;
  }
  return out;
}

/**
 * Data without the values of hidden fields (an inactive branch's fields do not apply, and a stale
 * value there must neither block validation nor be stored), keeping each removed value in
 * `stash` so that it comes back if its field is shown again before submitting.
 */
export function settleHidden(data: Json, hidden: Set<string>, stash: Map<string, unknown>): Json {
  let out = data;
  const copy = () => {
    if (out === data) out = structuredClone(data);
    return out;
  };
  const parentOf = (root: Json, path: string[], create: boolean): Json | undefined => {
    let node: Json = root;
    for (const segment of path.slice(0, -1)) {
      if (!isObject(node[segment])) {
        if (!create) return undefined;
        node[segment] = {};
      }
      node = node[segment] as Json;
    }
    return node;
  };
  for (const path of hidden) {
    const segments = path.split('.');
    const last = segments.at(-1) as string;
    const parent = parentOf(data, segments, false);
    if (!parent || !Object.hasOwn(parent, last)) continue;
    stash.set(path, parent[last]);
    const target = parentOf(copy(), segments, false);
    if (target) delete target[last];
  }
  for (const [path, value] of [...stash]) {
    if (hidden.has(path)) continue;
    stash.delete(path);
    const segments = path.split('.');
    const last = segments.at(-1) as string;
    const parent = parentOf(out, segments, false);
    if (parent && Object.hasOwn(parent, last)) continue;
    const target = parentOf(copy(), segments, true);
    if (target) target[last] = value;
  }
  return out;
}

/**
 * The data without empty optional groups: rjsf keeps `{}` for an object field nobody filled in
 * (a read-only allocation, an optional promise), which would then fail that object's own
 * required fields although the person never meant to give it.
 */
export function pruneEmptyObjects<T>(value: T): T {
  if (!isObject(value)) return value;
  let out: Json | undefined;
  for (const [key, child] of Object.entries(value)) {
    const pruned = pruneEmptyObjects(child);
    const empty = isObject(pruned) && Object.keys(pruned).length === 0;
    if (empty || pruned !== child) {
      out ??= { ...value };
      if (empty) delete out[key];
      else out[key] = pruned;
    }
  }
  return (out ?? value) as T;
}
