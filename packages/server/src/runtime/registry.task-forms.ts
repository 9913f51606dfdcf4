import type { Locale } from '@collectflow/schema';
import type { FormCatalog, TaskFormValidation, TaskFormValidator } from './runtime.ports.js';

/** The part of the form registry (registry/registry.service.ts) the runtime uses. */
export interface FormRegistryLike {
  validate(
    key: string,
    version: number | null,
    data: unknown,
    locale: Locale,
  ): Promise<{
    valid: boolean;
    errors: { pointer: string; keyword: string; message: string }[];
    formVersion: number;
    data: unknown;
  }>;
  formExists(key: string, version?: number): Promise<boolean>;
}

/** Task completion and deploy lint against the form registry: one validator cache for both. */
export function taskFormsFromRegistry(registry: FormRegistryLike): TaskFormValidator & FormCatalog {
  return {
    async validate(formKey, version, data, locale): Promise<TaskFormValidation> {
      const result = await registry.validate(formKey, version, data, locale);
      return {
        valid: result.valid,
        errors: result.errors,
        version: result.formVersion,
        ...(result.valid && result.data && typeof result.data === 'object'
          ? { data: result.data as Record<string, unknown> }
          : {}),
      };
    },
    formExists: (key, version) => registry.formExists(key, version),
  };
}
