import { type MigrationStatus, openStore } from '@collectflow/store';
import type { RuntimeConfig } from '../runtime.config.js';

export async function migrate(
  config: RuntimeConfig,
  direction: 'latest' | 'status' | 'down',
): Promise<MigrationStatus> {
  const store = await openStore(config.store);
  try {
    if (direction === 'latest') return await store.migrate();
    if (direction === 'down') await store.rollbackAll();
    return await store.migrationStatus();
  } finally {
    await store.close();
  }
}
