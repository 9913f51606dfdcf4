import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

export interface DefinitionFile {
  /** Path relative to the definitions directory, with forward slashes. */
  path: string;
  kind: 'form' | 'process' | 'dashboard' | 'compliance' | 'other';
  sha256: string;
  content: Buffer;
}

const KIND_BY_DIR: Record<string, DefinitionFile['kind']> = {
  forms: 'form',
  processes: 'process',
  dashboards: 'dashboard',
  compliance: 'compliance',
};

/** Every file under the definitions directory (hidden ones aside), in path order. */
export async function readDefinitions(dir: string): Promise<DefinitionFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  const files: DefinitionFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || entry.name.startsWith('.')) continue;
    const full = join(entry.parentPath, entry.name);
    const path = relative(dir, full).split('\\').join('/');
    const content = await readFile(full);
    files.push({
      path,
      kind: KIND_BY_DIR[path.split('/')[0] ?? ''] ?? 'other',
      sha256: createHash('sha256').update(content).digest('hex'),
      content,
    });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** One file of the directory's top level (roles.json, teams.json), or undefined when it is absent. */
export async function readTopLevelFile(dir: string, name: string): Promise<Buffer | undefined> {
  return readFile(join(dir, name)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
}
