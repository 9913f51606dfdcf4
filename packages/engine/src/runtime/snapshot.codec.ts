import { EngineError } from '../errors/engine.error.js';
import type { WaitingTask } from './step.types.js';

export const SNAPSHOT_FORMAT = 'collectflow.snapshot/1';

/** bpmn-engine's getState() output, minus the embedded model source. Opaque to hosts. */
export type EngineState = Record<string, unknown> & { definitions?: Record<string, unknown>[] };

/** What a host stores per instance (as JSON) and hands back to the next step. */
export interface InstanceSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  processKey: string;
  businessKey: string | null;
  /** How often each service-like element was entered: the attempt in idempotency keys. */
  entries: Record<string, number>;
  /** Tasks as described when they were created (due dates do not drift on later steps). */
  tasks: WaitingTask[];
  engine: EngineState;
}

/**
 * getState() embeds the whole serialized model in every definition (`source`). The deployment
 * already holds it, and recover() falls back to the engine's `sourceContext` when it is missing,
 * so we drop it: snapshots shrink to the running state.
 */
export function stripEngineState(state: EngineState): EngineState {
  const { definitions, ...rest } = state;
  return {
    ...rest,
    definitions: (definitions ?? []).map((definition) => {
      const { source: _source, ...kept } = definition;
      return kept;
    }),
  };
}

export function assertSnapshot(value: unknown, processKey: string): InstanceSnapshot {
  const snapshot = value as Partial<InstanceSnapshot> | null;
  if (
    !snapshot ||
    snapshot.format !== SNAPSHOT_FORMAT ||
    !snapshot.engine ||
    typeof snapshot.engine !== 'object'
  ) {
    throw new EngineError(
      'engine.snapshot_invalid',
      'internal',
      'the stored instance snapshot is not a collectflow snapshot',
    );
  }
  if (snapshot.processKey !== processKey) {
    throw new EngineError(
      'engine.snapshot_invalid',
      'internal',
      `the snapshot belongs to process "${snapshot.processKey}", not "${processKey}"`,
    );
  }
  return snapshot as InstanceSnapshot;
}
