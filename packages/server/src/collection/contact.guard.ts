import {
  type ComplianceEvaluation,
  type ContactChannel,
  type ContactContext,
  type ContactParty,
  evaluateContact,
} from '@collectflow/collection';
import { DomainError } from '@collectflow/schema';
import type { TaskGuard } from '../runtime/runtime.ports.js';
import { type PackContext, profileFor } from './pack.context.js';

/** The form of the tasks in which a liaison contacts the debtor (call-debtor, follow-up calls). */
export const CONTACT_TASK_FORM = 'contact-attempt';

export interface CaseContactRequest {
  caseNumber: string;
  channel: ContactChannel;
  party: ContactParty;
  at: Date;
  address?: string;
}

/**
 * Every guard of the case's jurisdiction over one intended contact: do-not-contact, the contact
 * point's status, the limitation date, the caps counted from the contact-attempt records, and
 * the contact hours in the debtor's zone. Undefined when there is no such case.
 */
export async function evaluateCaseContact(
  context: PackContext,
  request: CaseContactRequest,
): Promise<ComplianceEvaluation | undefined> {
  const record = await context.facts.caseRecord(request.caseNumber);
  if (!record) return undefined;
  const data = record.data as Record<string, unknown>;
  const debtorNo = String(data.debtorNo ?? '');
  const debtor = (await context.facts.debtor(debtorNo)) ?? {};
  const history = await context.facts.contactHistory(debtorNo);
  return evaluateContact(
    {
      at: request.at,
      caseId: request.caseNumber,
      debtorId: debtorNo,
      channel: request.channel,
      party: request.party,
      ...(request.address ? { address: request.address } : {}),
    },
    {
      debtor: {
        ...(debtor as ContactContext['debtor']),
        openDispute: data.status === 'DISPUTED',
        timeZone: typeof debtor.timeZone === 'string' ? debtor.timeZone : null,
      },
      limitationExpiresOn: typeof data.limitationExpiresOn === 'string' ? data.limitationExpiresOn : null,
      legalApproval: data.legalApproval === true,
      history,
    },
    profileFor(context, data.jurisdiction),
  );
}

/** The rule that decided, as a problem item: its compliance code and its reason in both languages. */
function complianceItem(code: string, reason: { en: string; 'zh-CN': string }) {
  return { pointer: '', keyword: code, message: `${reason.en} / ${reason['zh-CN']}` };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The runtime enforces the contact rules on contact tasks, not only the inbox's pre-dial check:
 * - claiming a contact task of a case that may not be contacted now at all (do-not-contact, an
 *   expired limitation without legal approval) is refused with the reason, in both languages;
 * - completing one with an outbound contact that broke a rule is refused when the rule blocks it,
 *   and needs `outsideHoursReason` when it was outside the debtor's contact hours.
 * An inbound contact (the debtor called us) is never refused. Caps and hours do not stop a claim:
 * a liaison may take the task now and call when the hours allow.
 */
export function contactTaskGuard(context: PackContext): TaskGuard {
  return async ({ action, task, data }) => {
    if (task.formKey !== CONTACT_TASK_FORM || !task.businessKey) return;
    if (action === 'claim') {
      const evaluation = await evaluateCaseContact(context, {
        caseNumber: task.businessKey,
        channel: 'CALL',
        party: 'DEBTOR',
        at: context.now(),
      });
      const blocked = evaluation?.checks.find(
        (c) => c.decision.outcome === 'blocked' && (c.rule === 'do_not_contact' || c.rule === 'limitation'),
      );
      if (blocked?.decision.outcome === 'blocked') {
        throw new DomainError(
          'collection.contact_blocked',
          'conflict',
          `${blocked.decision.reason.en} / ${blocked.decision.reason['zh-CN']}`,
          {
            hint: 'the case may not be contacted; the flow moves on when the restriction is recorded',
            errors: [complianceItem(blocked.decision.code, blocked.decision.reason)],
          },
        );
      }
      return;
    }
    if (!data || data.direction === 'INBOUND') return;
    const at = new Date(String(data.occurredAt ?? ''));
    if (Number.isNaN(at.getTime())) return; // the form requires it; nothing to judge otherwise
    const evaluation = await evaluateCaseContact(context, {
      caseNumber: str(data.caseNumber) ?? task.businessKey,
      channel: (str(data.channel) ?? 'CALL') as ContactChannel,
      party: (str(data.party) ?? 'DEBTOR') as ContactParty,
      at,
      ...(str(data.address) ? { address: str(data.address)! } : {}),
    });
    if (!evaluation) return;
    const blocked = evaluation.checks.find(
      (c) => c.decision.outcome === 'blocked' && c.rule !== 'frequency' && c.rule !== 'contact_hours',
    );
    if (blocked?.decision.outcome === 'blocked') {
      throw new DomainError(
        'collection.contact_blocked',
        'conflict',
        `${blocked.decision.reason.en} / ${blocked.decision.reason['zh-CN']}`,
        {
          hint: 'this contact was not allowed; record the restriction on the case',
          errors: [complianceItem(blocked.decision.code, blocked.decision.reason)],
        },
      );
    }
    const hours = evaluation.checks.find(
      (c) => c.rule === 'contact_hours' && c.decision.outcome !== 'allowed',
    );
    if (hours && hours.decision.outcome !== 'allowed' && !str(data.outsideHoursReason)) {
      throw new DomainError(
        'collection.outside_contact_hours',
        'invalid',
        'the contact was outside the debtor’s contact hours: give the reason',
        {
          errors: [
            {
              pointer: '/outsideHoursReason',
              keyword: 'required',
              message: `${hours.decision.reason.en}; a reason is required / ${hours.decision.reason['zh-CN']}，须填写原因`,
            },
            complianceItem(hours.decision.code, hours.decision.reason),
          ],
        },
      );
    }
  };
}
