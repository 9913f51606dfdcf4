import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_IN_PROFILES, type JurisdictionProfile } from '../../src/index.js';

const root = join(import.meta.dirname, '..', 'fixtures');

/** Every fixture of a folder, sorted by file name, each with the name it is reported under. */
export function loadFixtures<T extends { description: string }>(
  folder: string,
): { file: string; fixture: T }[] {
  return readdirSync(join(root, folder))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, fixture: JSON.parse(readFileSync(join(root, folder, file), 'utf8')) as T }));
}

export function profile(code: string): JurisdictionProfile {
  const found = BUILT_IN_PROFILES[code];
  if (!found) throw new Error(`no profile ${code}`);
  return found;
}
