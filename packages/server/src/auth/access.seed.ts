import type { LocalizedText, Store } from '@collectflow/store';
import { BUILTIN_ROLE_PERMISSIONS } from './builtin-roles.js';

/**
 * Creates the built-in roles that are missing. Existing roles are left alone: admins may have
 * edited them, and a restart must not undo that (nor write anything at all).
 */
export async function ensureBuiltinRoles(
  store: Store,
  names: Record<string, LocalizedText> = {},
): Promise<string[]> {
  return store.transaction(async (tx) => {
    const existing = new Set((await tx.roles.list()).map((r) => r.key));
    const created: string[] = [];
    for (const [key, permissions] of Object.entries(BUILTIN_ROLE_PERMISSIONS)) {
      if (existing.has(key)) continue;
      await tx.roles.upsert({
        key,
        name: names[key] ?? { 'zh-CN': key, en: key },
        permissions: [...permissions],
        formGrants: {},
        processGrants: {},
        builtin: true,
      });
      created.push(key);
    }
    if (created.length > 0) {
      await tx.audit.append({
        actor: 'system',
        action: 'role.seeded',
        subjectType: 'role',
        detail: { created },
      });
    }
    return created;
  });
}
