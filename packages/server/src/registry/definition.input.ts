import { type DefinitionProblem, DomainError, type Locale } from '@collectflow/schema';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A body that is not a JSON object: the route cannot even tell what was meant. */
export function invalidBody(what: string): DomainError {
  return new DomainError('request.invalid_body', 'invalid', `the request body must be ${what}`, {
    errors: [{ pointer: '', message: `expected ${what}` }],
  });
}

/**
 * A definition as a client sends it, with the parts a new form rarely has filled in: an empty UI
 * schema and empty metadata lists. Everything else is left for checkDefinition to judge, so a
 * wrong shape comes back as problems with pointers rather than as a bare 400.
 */
export function definitionFromBody(body: unknown, key?: string): Record<string, unknown> {
  if (!isObject(body)) throw invalidBody('a form definition object');
  if (key !== undefined && body.key !== undefined && body.key !== key) {
    throw new DomainError(
      'forms.key_mismatch',
      'invalid',
      `the body names form "${String(body.key)}", the URL "${key}"`,
      {
        hint: 'a form key never changes; leave "key" out of the body or make it match',
        errors: [{ pointer: '/key', message: 'does not match the form in the URL' }],
      },
    );
  }
  const metadata = body.metadata === undefined ? {} : body.metadata;
  const definition: Record<string, unknown> = {
    ...body,
    ...(key !== undefined ? { key } : {}),
    uiSchema: body.uiSchema ?? {},
    metadata: isObject(metadata) ? { sensitive: [], indexed: [], computed: [], ...metadata } : metadata,
  };
  delete definition.revision;
  return definition;
}

/** Check results that block saving: 413 when the schema is over the size cap, 422 otherwise. */
export function definitionError(problems: DefinitionProblem[], locale: Locale): DomainError | undefined {
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length === 0) return undefined;
  const items = errors.map(({ pointer, code, message }) => ({ pointer, code, message }));
  if (errors.some((p) => p.code === 'schema.too_large')) {
    return new DomainError('forms.too_large', 'too_large', items[0]!.message, {
      hint: 'split the form, or move long texts out of the schema',
      errors: items,
    });
  }
  const message =
    locale === 'zh-CN'
      ? `表单定义有 ${errors.length} 个问题`
      : `the form definition has ${errors.length} problem(s)`;
  return new DomainError('forms.invalid_definition', 'invalid', message, {
    hint: 'fix each problem at its pointer; POST /api/form-checks checks without saving',
    errors: items,
  });
}
