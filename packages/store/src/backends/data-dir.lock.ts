import { mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { StoreError } from '../errors/store.error.js';

/**
 * Two processes on one PGlite directory silently lose each other's writes, so the embedded
 * backend takes an exclusive, cross-process lock on its data directory before opening it.
 * proper-lockfile does the atomic part (mkdir + mtime refresh, stale detection); the pid file
 * only lets us name the holder and take over at once from a holder that crashed.
 */
export interface DataDirLock {
  release(): Promise<void>;
}

const LOCK_NAME = 'collectflow.lock';
const PID_NAME = 'collectflow.pid';

export async function prepareDataDir(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true });
    const probe = join(dataDir, `.write-probe-${process.pid}`);
    await writeFile(probe, 'ok');
    await unlink(probe);
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new StoreError(
      'store.data_dir_unwritable',
      `data directory ${dataDir} is not writable (${reason})`,
      {
        hint: 'make it writable for this user or set COLLECTFLOW_DATA_DIR to a writable directory',
        cause,
      },
    );
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function lockDataDir(
  dataDir: string,
  onCompromised: (error: Error) => void,
): Promise<DataDirLock> {
  const lockPath = join(dataDir, LOCK_NAME);
  const pidPath = join(dataDir, PID_NAME);
  const attempt = () =>
    lockfile.lock(dataDir, {
      lockfilePath: lockPath,
      realpath: false,
      stale: 10_000,
      update: 2_000,
      retries: 0,
      onCompromised,
    });

  let release: () => Promise<void>;
  try {
    release = await attempt();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    const holder = Number.parseInt(await readFile(pidPath, 'utf8').catch(() => ''), 10);
    // No pid yet: the holder is between taking the lock and writing its pid; it is alive.
    if (Number.isNaN(holder) || (isAlive(holder) && holder !== process.pid)) {
      throw new StoreError(
        'store.data_dir_locked',
        `data directory ${dataDir} is in use by another collectflow process (pid ${Number.isNaN(holder) ? 'unknown' : holder})`,
        { hint: 'stop that process first, or set COLLECTFLOW_DATA_DIR to another directory', cause: error },
      );
    }
    if (holder === process.pid) {
      throw new StoreError(
        'store.data_dir_locked',
        `data directory ${dataDir} is already open in this process`,
        {
          hint: 'close the other store first',
          cause: error,
        },
      );
    }
    // The holder died without releasing; its lock would go stale in seconds anyway.
    await rm(lockPath, { recursive: true, force: true });
    release = await attempt();
  }
  await writeFile(pidPath, String(process.pid));
  return {
    async release() {
      await rm(pidPath, { force: true });
      await release();
    },
  };
}
