import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DemoDataSet, generateDemoData, localizeSchema } from '@collectflow/collection';
import { runStep, type StepEvent, type StepResult } from '@collectflow/engine';
import { checkDefinition, evaluateComputedDetailed, ValidatorCache } from '@collectflow/schema';
import { BpmnModdle } from 'bpmn-moddle';
import { describe, expect, it } from 'vitest';
import {
  definitionsDir,
  deployProcess,
  loadForms,
  loadRoles,
  processFiles,
  resolveFormRef,
} from './support/definitions-pack.host.js';

const forms = loadForms();
const validators = new ValidatorCache({ resolveRef: resolveFormRef(forms) });

function validate(formKey: string, data: Record<string, unknown>) {
  const form = forms.get(formKey);
  if (!form) throw new Error(`no form ${formKey}`);
  const computed = evaluateComputedDetailed(form, data);
  return { ...validators.validate(form.key, 1, form.schema, computed.data), computed };
}

type Node = Record<string, unknown>;

/** Every subschema that describes a field (has a title), with its pointer. */
function fields(schema: unknown, pointer = ''): { pointer: string; node: Node }[] {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return [];
  const node = schema as Node;
  const out = typeof node.title === 'string' ? [{ pointer, node }] : [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'x-i18n' || key === 'enum' || key === 'default') continue;
    if (key === 'properties' || key === '$defs') {
      for (const [name, sub] of Object.entries(value as Node))
        out.push(...fields(sub, `${pointer}/${key}/${name}`));
    } else if (typeof value === 'object') out.push(...fields(value, `${pointer}/${key}`));
  }
  return out;
}

describe('the built-in forms (definitions/forms)', () => {
  it('there are the nine forms of the pack', () => {
    expect([...forms.keys()].sort()).toEqual([
      'collector',
      'contact-attempt',
      'debt-case',
      'debtor',
      'dispute',
      'legal-action',
      'payment',
      'payment-plan',
      'promise-to-pay',
    ]);
  });

  for (const [key, form] of forms) {
    it(`${key} passes every check of the schema package, without even a warning`, () => {
      expect(checkDefinition(form, { resolveRef: resolveFormRef(forms) })).toEqual([]);
    });

    it(`${key} labels every field and code in zh-CN and en`, () => {
      expect(form.title['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
      for (const { pointer, node } of fields(form.schema)) {
        const i18n = node['x-i18n'] as Record<string, Node> | undefined;
        expect(i18n?.['zh-CN']?.title, `${key}${pointer} zh-CN title`).toMatch(/[\u4e00-\u9fff]/);
        expect(i18n?.en?.title, `${key}${pointer} en title`).toBe(node.title);
        if (node.description !== undefined)
          expect(i18n?.['zh-CN']?.description, `${key}${pointer} help`).toBeTruthy();
        const codes = (node.enum ?? (node.items as Node | undefined)?.enum) as unknown[] | undefined;
        if (codes) {
          expect(i18n?.['zh-CN']?.enumNames, `${key}${pointer} zh-CN code labels`).toHaveLength(codes.length);
          expect(i18n?.en?.enumNames, `${key}${pointer} en code labels`).toHaveLength(codes.length);
        }
      }
    });
  }

  it('a zh-CN user sees Chinese labels after localizing the schema for @rjsf', () => {
    const schema = localizeSchema(forms.get('contact-attempt')!.schema, 'zh-CN') as {
      properties: Record<string, Node>;
    };
    expect(schema.properties.outcomeCode).toMatchObject({ title: '结果代码' });
    expect((schema.properties.outcomeCode!.enumNames as string[])[0]).toBe('本人接通-承诺还款');
  });

  it('identity numbers, phones, e-mails and addresses are marked sensitive', () => {
    expect(forms.get('debtor')!.metadata.sensitive).toEqual(
      expect.arrayContaining(['/idNumber', '/uscc', '/phones/*/number', '/emails/*/address', '/addresses']),
    );
    expect(forms.get('contact-attempt')!.metadata.sensitive).toContain('/address');
    expect(forms.get('collector')!.metadata.sensitive).toContain('/email');
  });

  it('the debt case computes its balance as principal + interest + fees + costs − paid, in decimals', () => {
    const { valid, computed } = validate('debt-case', {
      caseNumber: 'DC-2025-000001',
      debtorNo: 'DB-00000001',
      jurisdiction: 'CN',
      creditor: { name: '华信消费金融有限公司' },
      currency: 'CNY',
      principal: '10000.10',
      interest: '0.20',
      fees: '50.00',
      costs: '0.00',
      paid: '2000.00',
      dueDate: '2025-05-01',
      stage: 'EARLY',
      status: 'OPEN',
    });
    expect(valid).toBe(true);
    expect(computed.data).toMatchObject({ totalDue: '10050.30', balance: '8050.30' });
  });

  describe('conditional fields', () => {
    const person = { debtorNo: 'DB-00000001', partyType: 'PERSON', name: '王伟', timeZone: 'Asia/Shanghai' };
    const errorsOf = (form: string, data: Record<string, unknown>) =>
      validate(form, data).errors.map((e) => `${e.pointer} ${e.keyword}`);

    it('a person needs an ID, and a resident ID must pass its check digit', () => {
      expect(errorsOf('debtor', person)).toEqual(
        expect.arrayContaining(['/idType required', '/idNumber required']),
      );
      expect(
        errorsOf('debtor', { ...person, idType: 'CN_RESIDENT_ID', idNumber: '110101199003071234' }),
      ).toContain('/idNumber format');
      expect(
        validate('debtor', { ...person, idType: 'CN_RESIDENT_ID', idNumber: '11010519491231002X' }).valid,
      ).toBe(true);
      expect(validate('debtor', { ...person, idType: 'PASSPORT', idNumber: 'E12345678' }).valid).toBe(true);
    });

    it('a company needs a unified social credit code or a registration number, not an ID card', () => {
      const company = { ...person, partyType: 'COMPANY', name: '北京华信商贸有限公司' };
      expect(validate('debtor', company).valid).toBe(false);
      expect(validate('debtor', { ...company, uscc: '91350100M000100Y43' }).valid).toBe(true);
      expect(validate('debtor', { ...company, companyRegistrationNo: 'C1234567' }).valid).toBe(true);
    });

    it('bankruptcy details, date of death and attorney details are required once they apply', () => {
      const id = { idType: 'PASSPORT', idNumber: 'E12345678' };
      expect(errorsOf('debtor', { ...person, ...id, bankruptcy: { status: 'FILED' } })).toEqual(
        expect.arrayContaining(['/bankruptcy/caseNumber required', '/bankruptcy/filedOn required']),
      );
      expect(errorsOf('debtor', { ...person, ...id, deceased: true })).toContain('/deceasedOn required');
      expect(errorsOf('debtor', { ...person, ...id, attorney: { represented: true } })).toEqual(
        expect.arrayContaining(['/attorney/name required', '/attorney/phone required']),
      );
    });

    it('a promise-to-pay outcome needs the promise; a call back needs the time; outside hours needs a reason', () => {
      const attempt = {
        caseNumber: 'DC-2025-000001',
        debtorNo: 'DB-00000001',
        party: 'DEBTOR',
        channel: 'CALL',
        direction: 'OUTBOUND',
        occurredAt: '2025-07-01T03:00:00Z',
        agentId: 'u-1',
      };
      expect(errorsOf('contact-attempt', { ...attempt, outcomeCode: 'RPC_PTP' })).toContain(
        '/promise required',
      );
      expect(errorsOf('contact-attempt', { ...attempt, outcomeCode: 'RPC_CALLBACK' })).toContain(
        '/callbackAt required',
      );
      expect(
        errorsOf('contact-attempt', { ...attempt, outcomeCode: 'NO_ANSWER', outsideContactHours: true }),
      ).toContain('/outsideHoursReason required');
      expect(validate('contact-attempt', { ...attempt, outcomeCode: 'NO_ANSWER' }).valid).toBe(true);
    });

    it('money is a decimal string: a float or a negative amount is refused', () => {
      const payment = {
        caseNumber: 'DC-2025-000001',
        currency: 'CNY',
        method: 'ALIPAY',
        receivedAt: '2025-07-01T03:00:00Z',
      };
      expect(validate('payment', { ...payment, amount: '100.50' }).valid).toBe(true);
      expect(validate('payment', { ...payment, amount: 100.5 }).valid).toBe(false);
      expect(validate('payment', { ...payment, amount: '-100.50' }).valid).toBe(false);
    });
  });

  for (const seed of ['collectflow', 'seed-2']) {
    it(`every demo record of seed "${seed}" is valid against its form`, () => {
      const data: DemoDataSet = generateDemoData({ cases: 60, seed });
      const all = [
        ...data.collectors,
        ...data.debtors,
        ...data.cases,
        ...data.contactAttempts,
        ...data.promises,
        ...data.payments,
        ...data.paymentPlans,
        ...data.disputes,
        ...data.legalActions,
      ];
      expect(new Set(all.map((r) => r.form)).size).toBe(9);
      for (const record of all) {
        const result = validate(record.form, record.data);
        expect(result.errors, `${record.form} ${record.id}`).toEqual([]);
        expect(result.computed.problems, `${record.form} ${record.id}`).toEqual([]);
      }
    });
  }
});

describe('the built-in roles (definitions/roles.json)', () => {
  it('has the eight built-in roles, each named in zh-CN and en', () => {
    const roles = loadRoles();
    expect(roles.map((r) => r.key)).toEqual([
      'admin',
      'designer',
      'process-admin',
      'manager',
      'strategist',
      'liaison',
      'analyst',
      'legal',
    ]);
    for (const role of roles) {
      expect(role.name['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
      expect(role.name.en.length).toBeGreaterThan(0);
    }
  });
});

describe('the built-in flows (definitions/processes)', () => {
  it('there are the four flows of the pack', () => {
    expect(processFiles()).toEqual([
      'dispute-handling.bpmn',
      'legal-escalation.bpmn',
      'promise-to-pay-follow-up.bpmn',
      'soft-collection.bpmn',
    ]);
  });

  for (const file of processFiles()) {
    it(`${file} deploys: parseAndLint finds no problem with the pack's forms, roles and topics`, async () => {
      const { definition, problems } = await deployProcess(file, forms);
      expect(problems).toEqual([]);
      expect(definition?.processKey).toBe(file.replace(/\.bpmn$/, ''));
      const groups = new Set(definition!.metadata.userTasks.flatMap((t) => t.candidateGroups));
      for (const group of groups)
        expect(['liaison', 'analyst', 'legal', 'strategist', 'manager']).toContain(group);
    });

    it(`${file} opens in bpmn.io with its diagram: a shape for every node, an edge for every flow`, async () => {
      const xml = readFileSync(join(definitionsDir, 'processes', file), 'utf8');
      // The engine's vendor.d.ts types fromXML loosely; this is the part of its answer we read.
      const parsed = (await new BpmnModdle().fromXML(xml)) as { rootElement: unknown };
      const root = parsed.rootElement as {
        rootElements: { $type: string; flowElements?: Node[] }[];
        diagrams: {
          plane: { planeElement: { bpmnElement?: { id: string }; bounds?: Node; waypoint?: unknown[] }[] };
        }[];
      };
      const ids: { id: string; flow: boolean }[] = [];
      const walk = (elements: Node[] = []) => {
        for (const element of elements) {
          ids.push({ id: String(element.id), flow: element.$type === 'bpmn:SequenceFlow' });
          if (element.$type === 'bpmn:SubProcess') walk(element.flowElements as Node[]);
        }
      };
      for (const process of root.rootElements.filter((r) => r.$type === 'bpmn:Process'))
        walk(process.flowElements);
      const drawn = new Map(
        root.diagrams.flatMap((d) => d.plane.planeElement).map((e) => [e.bpmnElement?.id, e] as const),
      );
      for (const { id, flow } of ids) {
        const di = drawn.get(id);
        expect(di, `${file}: ${id} is not drawn`).toBeDefined();
        if (flow) expect(di?.waypoint?.length, `${file}: ${id} has no waypoints`).toBeGreaterThanOrEqual(2);
        else expect(di?.bounds, `${file}: ${id} has no bounds`).toBeDefined();
      }
    });
  }

  it('the diagrams are the ones bpmn-auto-layout generates from the process XML (scripts/layout-bpmn.mjs)', () => {
    const script = join(definitionsDir, '..', 'scripts', 'layout-bpmn.mjs');
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('every demo instance replays on its flow to the step the demo says it waits at', async () => {
    const deployments = new Map<
      string,
      NonNullable<Awaited<ReturnType<typeof deployProcess>>['definition']>
    >();
    for (const file of processFiles()) {
      const { definition } = await deployProcess(file, forms);
      deployments.set(definition!.processKey, definition!);
    }
    const data = generateDemoData({ cases: 30, seed: 'replay' });
    expect(new Set(data.instances.map((i) => i.processKey)).size).toBe(4);
    for (const instance of data.instances) {
      const deployment = deployments.get(instance.processKey)!;
      let now = new Date();
      const ctx = { instanceId: `${instance.businessKey}:${instance.processKey}`, clock: { now: () => now } };
      let snapshot: StepResult['snapshot'] | null = null;
      let last: StepResult | undefined;
      const tasks = new Map<string, string>();
      const calls = new Map<string, string>();
      const timers = new Map<string, string>();
      const apply = async (event: StepEvent) => {
        last = await runStep(deployment, snapshot, event, ctx);
        snapshot = JSON.parse(JSON.stringify(last.snapshot));
        for (const id of last.closedTaskIds) tasks.delete(id);
        for (const t of last.waitingTasks) tasks.set(t.elementId, t.taskId);
        for (const c of last.serviceCalls) calls.set(c.elementId, c.callId);
        for (const t of last.timers.cancel) timers.delete(t.elementId);
        for (const t of last.timers.create) timers.set(t.elementId, t.timerId);
      };
      for (const event of instance.events) {
        now = new Date(event.at);
        switch (event.type) {
          case 'start':
            await apply({ type: 'start', variables: event.variables, businessKey: event.businessKey });
            break;
          case 'message':
            if (snapshot === null) await apply({ type: 'start', businessKey: instance.businessKey });
            await apply({ type: 'message', name: event.name, payload: event.payload });
            break;
          case 'serviceCompleted':
            await apply({
              type: 'serviceCompleted',
              callId: calls.get(event.elementId),
              output: event.output,
            });
            calls.delete(event.elementId);
            break;
          case 'completeTask':
            expect(
              validate(event.formKey, event.data).errors,
              `${instance.scenario} ${event.elementId}`,
            ).toEqual([]);
            await apply({ type: 'completeTask', taskId: tasks.get(event.elementId), data: event.data });
            break;
          case 'timerDue':
            await apply({ type: 'timerDue', timerId: timers.get(event.elementId) });
            timers.delete(event.elementId);
            break;
        }
        expect(last?.status, `${instance.scenario} after ${event.type}`).toBe('running');
      }
      expect(calls.size, `${instance.scenario}: a service call is left unanswered`).toBe(0);
      const waiting = [
        ...tasks.keys(),
        ...timers.keys(),
        ...(last?.messageSubscriptions ?? []).map((s) => s.elementId),
      ];
      for (const at of instance.waitingAt) expect(waiting, instance.scenario).toContain(at);
    }
  });
});
