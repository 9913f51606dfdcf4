import { describe, expect, it } from 'vitest';
import { type LintProblem, MAX_BPMN_BYTES, parseAndLint } from '../src/index.js';
import { lintContext, readFixture } from './support/fixtures.js';

function errors(problems: LintProblem[]) {
  return problems.filter((p) => p.severity === 'error').map((p) => `${p.elementId ?? '-'} ${p.code}`);
}

describe('deploying a valid model', () => {
  it('a user task’s name@<locale> properties give its name in other languages', async () => {
    const { definition, problems } = await parseAndLint(
      readFixture('user-task-named-in-chinese-and-english.bpmn'),
      lintContext,
    );
    expect(problems).toEqual([]);
    expect(definition?.metadata.userTasks[0]).toMatchObject({
      name: 'Call the debtor',
      names: { 'zh-CN': '致电债务人' },
    });
  });

  it('produces a JSON deployment with the pre-parsed source and the metadata the host needs', async () => {
    const { definition, problems } = await parseAndLint(
      readFixture('promise-to-pay-timer-30-days.bpmn'),
      lintContext,
    );
    expect(problems).toEqual([]);
    expect(definition).toBeDefined();
    expect(definition?.processKey).toBe('promise-to-pay');
    expect(typeof definition?.sourceContext).toBe('string');
    expect(JSON.parse(JSON.stringify(definition))).toEqual(definition);
    expect(definition?.metadata.userTasks).toEqual([
      {
        elementId: 'await-payment',
        name: 'Record payment',
        names: {},
        form: { key: 'payment' },
        candidateGroups: ['collectors'],
        assignee: null,
        dueDate: null,
        priority: null,
      },
      {
        elementId: 'follow-up',
        name: 'Follow up broken promise',
        names: {},
        form: { key: 'debt-case' },
        candidateGroups: ['collectors'],
        assignee: null,
        dueDate: null,
        priority: null,
      },
    ]);
    expect(definition?.metadata.timers).toEqual([
      {
        elementId: 'promise-expired',
        kind: 'boundary',
        timerType: 'timeDuration',
        expression: 'P30D',
        attachedTo: 'await-payment',
        interrupting: true,
      },
    ]);
  });

  it('lists messages and service tasks with their handler', async () => {
    const messages = await parseAndLint(readFixture('payment-message-or-14-day-timeout.bpmn'), lintContext);
    expect(messages.definition?.metadata.messages).toEqual([
      { elementId: 'wait-letter-ack', kind: 'receiveTask', name: 'dispute-raised', messageId: 'msg-dispute' },
      {
        elementId: 'payment-in',
        kind: 'intermediateCatch',
        name: 'payment-received',
        messageId: 'msg-payment',
      },
      { elementId: 'no-payment', kind: 'end', name: 'dispute-raised', messageId: 'msg-dispute' },
    ]);
    const service = await parseAndLint(readFixture('send-letter-service-error-boundary.bpmn'), lintContext);
    expect(service.definition?.metadata.serviceTasks).toEqual([
      {
        elementId: 'post-letter',
        name: 'Post dunning letter',
        elementType: 'bpmn:ServiceTask',
        handler: 'letters.post',
      },
    ]);
    expect(service.definition?.metadata.errors).toEqual([
      { elementId: 'no-address', kind: 'boundary', errorCode: 'ADDRESS_UNKNOWN', attachedTo: 'post-letter' },
    ]);
  });

  it('honours a declared ISO-8859-1 encoding', async () => {
    const bytes = readFixture('latin1-encoded-german-names.bpmn');
    expect(bytes.includes(Buffer.from('prüfen', 'utf8'))).toBe(false);
    const { definition, problems } = await parseAndLint(bytes, lintContext);
    expect(problems).toEqual([]);
    expect(definition?.name).toBe('Mahnverfahren für Schuldner');
    expect(definition?.metadata.userTasks[0]?.name).toBe('Forderung prüfen (Gebühr: 5 £)');
  });

  it('accepts UTF-8 with a byte-order mark and UTF-16 text', async () => {
    const utf8 = readFixture('promise-to-pay-timer-30-days.bpmn');
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]);
    expect((await parseAndLint(withBom, lintContext)).definition).toBeDefined();
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(utf8.toString('utf8').replace('encoding="UTF-8"', 'encoding="UTF-16"'), 'utf16le'),
    ]);
    expect((await parseAndLint(utf16, lintContext)).definition).toBeDefined();
  });
});

describe('refusing bad uploads with problems, never exceptions', () => {
  it('malformed XML', async () => {
    const { definition, problems } = await parseAndLint(
      readFixture('malformed-unclosed-tag.bpmn'),
      lintContext,
    );
    expect(definition).toBeUndefined();
    expect(problems).toMatchObject([{ elementId: null, code: 'bpmn.malformed_xml', severity: 'error' }]);
  });

  it('an entity-expansion bomb is refused before parsing', async () => {
    const { definition, problems } = await parseAndLint(
      readFixture('entity-expansion-bomb.bpmn'),
      lintContext,
    );
    expect(definition).toBeUndefined();
    expect(errors(problems)).toEqual(['- bpmn.doctype_forbidden']);
  });

  it('a file over the size cap is refused before decoding', async () => {
    const huge = Buffer.alloc(MAX_BPMN_BYTES + 1, 0x20);
    const { problems } = await parseAndLint(huge, lintContext);
    expect(errors(problems)).toEqual(['- bpmn.too_large']);
    expect(problems[0]?.message).toContain('5 MB');
  });

  it('bytes that are not valid in the declared encoding, and unknown encodings', async () => {
    const invalid = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="UTF-8"?><a>'),
      Buffer.from([0xc3, 0x28]),
    ]);
    expect(errors((await parseAndLint(invalid, lintContext)).problems)).toEqual(['- bpmn.invalid_encoding']);
    const unknown = Buffer.from('<?xml version="1.0" encoding="klingon-8"?><a/>');
    expect(errors((await parseAndLint(unknown, lintContext)).problems)).toEqual([
      '- bpmn.unsupported_encoding',
    ]);
  });

  it('a process that is not executable', async () => {
    const { problems } = await parseAndLint(readFixture('not-executable.bpmn'), lintContext);
    expect(errors(problems)).toEqual(['draft bpmn.not_executable']);
  });

  it('user tasks without a form, with an unknown form or version, or offered to an unknown group', async () => {
    const { definition, problems } = await parseAndLint(
      readFixture('unknown-form-key-and-group.bpmn'),
      lintContext,
    );
    expect(definition).toBeUndefined();
    expect(errors(problems)).toEqual([
      'no-form bpmn.user_task_without_form',
      'ghost-group bpmn.unknown_group',
      'ghost-form bpmn.unknown_form',
      'old-version bpmn.unknown_form',
    ]);
    expect(problems.find((p) => p.elementId === 'old-version')?.message).toContain('debt-case@9');
    expect(problems.find((p) => p.elementId === 'ghost-group')?.message).toContain('astronauts');
  });

  it('timers that are not ISO 8601 (P6M is fine)', async () => {
    const { problems } = await parseAndLint(readFixture('bad-timer-expressions.bpmn'), lintContext);
    expect(errors(problems)).toEqual([
      'wait-month bpmn.invalid_timer',
      'wait-date bpmn.invalid_timer',
      'wait-cron bpmn.invalid_timer',
      'wait-empty bpmn.invalid_timer',
    ]);
  });

  it('conditions that do not parse, script conditions, script tasks, Java delegates, unknown handlers, unsupported gateways', async () => {
    const { problems } = await parseAndLint(readFixture('bad-conditions-and-scripts.bpmn'), lintContext);
    expect(errors(problems)).toEqual([
      'broken-syntax bpmn.invalid_condition',
      'javascript bpmn.script_condition_unsupported',
      'no-wrapper bpmn.invalid_condition',
      'call-function bpmn.invalid_condition',
      'proto bpmn.invalid_condition',
      'script bpmn.unsupported_element',
      'mail bpmn.service_implementation_unsupported',
      'complex bpmn.unsupported_element',
      'sms bpmn.unknown_service_handler',
    ]);
    const unsupported = problems.find((p) => p.elementId === 'script');
    expect(unsupported?.message).toContain(
      'bpmn:ScriptTask is not supported; supported flow nodes: StartEvent',
    );
  });
});
