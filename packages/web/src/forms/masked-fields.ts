import type { FormVersion } from '../api/types';
import { pointerSegments } from './server-errors';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const CONSTRAINTS = ['pattern', 'format', 'minLength', 'maxLength', 'enum', 'const', 'minimum', 'maximum'];

/**
 * A version whose masked fields are read-only and free of the constraints their masked text
 * ("*******1234") cannot meet. The server keeps the stored value when a masked value comes back
 * unchanged, so a person without the sensitive-data permission can still save the rest.
 */
export function relaxMasked<V extends Pick<FormVersion, 'schema' | 'uiSchema'>>(
  version: V,
  masked: string[],
): V {
  if (masked.length === 0) return version;
  const schema = structuredClone(version.schema);
  const uiSchema = structuredClone(version.uiSchema ?? {});
  for (const pointer of masked) {
    let node: unknown = schema;
    let ui: Json = uiSchema;
    for (const segment of pointerSegments(pointer)) {
      if (!isObject(node)) break;
      if (isObject(node.properties) && isObject(node.properties[segment])) node = node.properties[segment];
      else if (isObject(node.items)) node = node.items;
      else {
        node = undefined;
        break;
      }
      const key = /^\d+$/.test(segment) ? 'items' : segment;
      if (!isObject(ui[key])) ui[key] = {};
      ui = ui[key] as Json;
    }
    if (!isObject(node)) continue;
    for (const c of CONSTRAINTS) delete node[c];
    if (node.type !== undefined && node.type !== 'object' && node.type !== 'array') node.type = 'string';
    node.readOnly = true;
    ui['ui:readonly'] = true;
    delete ui['ui:widget'];
    delete ui['ui:enumNames'];
  }
  return { ...version, schema, uiSchema };
}
