import { DomainError, type ProblemDetailItem } from '@collectflow/schema';

/**
 * A definition file that cannot be loaded. Its message names the file and the first problem, so
 * that `collectflow start` stops with one line that says where to look.
 */
export function definitionFileError(path: string, problem: string, hint?: string): DomainError {
  return new DomainError('definitions.invalid', 'invalid', `definitions/${path}: ${problem}`, {
    hint: hint ?? 'fix the file and start again; nothing of it was loaded',
  });
}

/** The first of a list of problems, with how many more there are. */
export function firstProblem(errors: readonly ProblemDetailItem[] | undefined, fallback: string): string {
  const [first, ...rest] = errors ?? [];
  if (!first) return fallback;
  const where = first.pointer ? `${first.pointer}: ` : '';
  const code = first.code ? ` (${first.code})` : '';
  return `${where}${first.message}${code}${rest.length > 0 ? ` (and ${rest.length} more)` : ''}`;
}

/** JSON.parse with the file named in the error. */
export function parseJsonFile(path: string, content: Buffer | string): unknown {
  try {
    return JSON.parse(content.toString());
  } catch (error) {
    throw definitionFileError(path, `not valid JSON: ${(error as Error).message}`);
  }
}
