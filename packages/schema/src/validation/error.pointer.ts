import type { ErrorObject } from 'ajv';
import { joinPointer } from '../pointer/json-pointer.utils.js';

/** Ajv reports a missing or extra property at its parent; the property itself is what to point at. */
export function errorPointer(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  const name =
    e.keyword === 'required' || e.keyword === 'dependentRequired' || e.keyword === 'dependencies'
      ? params.missingProperty
      : e.keyword === 'additionalProperties'
        ? params.additionalProperty
        : e.keyword === 'unevaluatedProperties'
          ? params.unevaluatedProperty
          : undefined;
  return typeof name === 'string' ? joinPointer(e.instancePath, name) : e.instancePath;
}
