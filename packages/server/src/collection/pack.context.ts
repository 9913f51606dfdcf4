import {
  type AssignmentRule,
  BUILT_IN_PROFILES,
  DEFAULT_JURISDICTION,
  type JurisdictionProfile,
  type StrategyArm,
} from '@collectflow/collection';
import type { Store } from '@collectflow/store';
import type { Logger } from '../logger.js';
import type { FormRegistryService } from '../registry/registry.service.js';
import type { CaseFactsReader } from './case-facts.reader.js';

/** A champion/challenger experiment: arms with weights and parameters, and the seed that makes it reproducible. */
export interface StrategyExperiment {
  seed: string;
  arms: readonly StrategyArm[];
}

/** What the pack's handlers, sink and relay share. `registry` and `now` are bound once the app exists. */
export interface PackContext {
  store: Store;
  logger: Logger;
  now(): Date;
  registry(): FormRegistryService;
  facts: CaseFactsReader;
  profiles: Readonly<Record<string, JurisdictionProfile>>;
  assignmentRules: readonly AssignmentRule[];
  strategy: StrategyExperiment;
}

export function profileFor(context: PackContext, code: unknown): JurisdictionProfile {
  const key = typeof code === 'string' && code !== '' ? code : DEFAULT_JURISDICTION;
  return context.profiles[key] ?? context.profiles[DEFAULT_JURISDICTION] ?? BUILT_IN_PROFILES.CN!;
}
