import { COMPUTE_HANDLERS, type HandlerContext, type Variables } from '@collectflow/collection';
import { isDomainError } from '@collectflow/schema';
import type { ServiceTaskHandler } from '../runtime/runtime.ports.js';
import { packActor } from './pack.actor.js';
import type { PackContext } from './pack.context.js';

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** A pure topic of @collectflow/collection, with "now" from the runtime's clock. */
export function computeHandler(context: PackContext, topic: string): ServiceTaskHandler {
  const compute = COMPUTE_HANDLERS[topic];
  if (!compute) throw new Error(`no compute handler for ${topic}`);
  return async (call) => {
    const base: HandlerContext = { now: context.now(), profiles: context.profiles };
    if (topic === 'case.assign') return assignCase(context, call.input, base);
    if (topic === 'promise.schedule') return compute(withArmGrace(call.input), base);
    return compute(call.input, base);
  };
}

/**
 * The arm's grace period applies to a promise that does not name its own: that is what the
 * challenger tests (3 against 5 days).
 */
function withArmGrace(vars: Variables): Variables {
  const promise = vars.promise as Record<string, unknown> | undefined;
  const grace = (vars.strategyParameters as Record<string, unknown> | undefined)?.graceDays;
  if (!promise || promise.graceDays !== undefined || typeof grace !== 'number') return vars;
  return { ...vars, promise: { ...promise, graceDays: grace } };
}

/**
 * Routes the case (rules → team → least-loaded collector) and puts it in a strategy arm once: a
 * case keeps the arm it got at creation (on its record or in its variables), so recovery can be
 * compared by arm. Team, collector and arm are written back to the debt-case record.
 */
async function assignCase(context: PackContext, vars: Variables, base: HandlerContext): Promise<Variables> {
  const caseNumber = str(vars.caseNumber);
  const record = caseNumber ? await context.facts.caseRecord(caseNumber) : undefined;
  const data = (record?.data ?? {}) as Record<string, unknown>;
  const kept = str(vars.strategyArm) ?? str(data.strategyArm);
  const collectors = await context.facts.collectorLoads();
  const out = COMPUTE_HANDLERS['case.assign']!(vars, {
    ...base,
    collectors,
    assignmentRules: context.assignmentRules,
    ...(kept ? {} : { strategy: context.strategy }),
  });
  // A case stays with its collector while the rules keep it in that collector's team: running
  // the assignment again (a resumed flow, a new run) must not hand the debtor to someone else.
  const current = str(vars.assignedCollectorId) ?? str(data.assignedCollectorId);
  const stays = collectors.find((c) => c.collectorId === current && c.active && c.team === out.team);
  if (stays) {
    out.assignedCollectorId = stays.collectorId;
    out.assignmentReason = {
      'zh-CN': `案件仍由 ${stays.collectorId} 负责（${stays.team}）`,
      en: `The case stays with ${stays.collectorId} (${stays.team})`,
    };
  }
  const arm = kept ?? str(out.strategyArm);
  const parameters = context.strategy.arms.find((a) => a.key === arm)?.parameters ?? {};
  const result: Variables = { ...out, ...(arm ? { strategyArm: arm } : {}), strategyParameters: parameters };
  context.facts.countAssignment(str(out.assignedCollectorId), str(data.assignedCollectorId));
  if (record) await storeOnCase(context, record.id, record.version, data, result);
  return result;
}

async function storeOnCase(
  context: PackContext,
  id: string,
  version: number,
  data: Record<string, unknown>,
  result: Variables,
): Promise<void> {
  const changes: Record<string, unknown> = {};
  for (const field of ['strategyArm', 'team', 'assignedCollectorId']) {
    const value = str(result[field]);
    if (value !== undefined && data[field] !== value) changes[field] = value;
  }
  if (Object.keys(changes).length === 0) return;
  try {
    await context.registry().updateRecord(
      id,
      {
        data: { ...data, ...changes },
        version,
        // The routed team owns the case from now on: record-level rules follow the assignment.
        ...(typeof changes.team === 'string' ? { ownerTeamId: changes.team } : {}),
      },
      packActor(),
      'en',
    );
  } catch (error) {
    // Someone edited the case meanwhile: the flow has the assignment; the next step writes it again.
    if (isDomainError(error) && error.code === 'records.stale') {
      context.logger.warn({ recordId: id }, 'case record changed during assignment; not updated');
      return;
    }
    throw error;
  }
}
