import { checkTemplate, isWholeExpression } from '../expressions/expression.language.js';
import {
  parseIsoDateTime,
  parseIsoDuration,
  parseTimer,
  TimerExpressionError,
  type TimerType,
} from '../timers/timer.expressions.js';
import { bodyOf, child, children, type ModdleElement, stringProp } from './bpmn.model.js';
import {
  type ErrorEventMetadata,
  type FormRef,
  type MessageEventKind,
  type MessageMetadata,
  type ProcessMetadata,
  parseFormKey,
  type ServiceTaskMetadata,
  splitList,
  type TimerEventKind,
  type TimerMetadata,
  type UserTaskMetadata,
} from './deployment.metadata.js';
import { isSyntheticId, madeByRewrite, SYNTHETIC_ID_PREFIX } from './event-subprocess.rewrite.js';
import type { LintProblem } from './lint-problem.js';

/** What the linter asks the host: is this form / group / handler real? */
export interface LintContext {
  formExists(key: string, version?: number): boolean | Promise<boolean>;
  knownGroups: Iterable<string>;
  handlerExists(name: string): boolean | Promise<boolean>;
}

/** Flow nodes the runtime executes durably. Anything else is refused at deploy. */
export const SUPPORTED_FLOW_NODES: readonly string[] = [
  'bpmn:StartEvent',
  'bpmn:EndEvent',
  'bpmn:IntermediateCatchEvent',
  'bpmn:IntermediateThrowEvent',
  'bpmn:BoundaryEvent',
  'bpmn:Task',
  'bpmn:UserTask',
  'bpmn:ServiceTask',
  'bpmn:SendTask',
  'bpmn:BusinessRuleTask',
  'bpmn:ReceiveTask',
  'bpmn:ExclusiveGateway',
  'bpmn:InclusiveGateway',
  'bpmn:ParallelGateway',
  'bpmn:EventBasedGateway',
  'bpmn:SubProcess',
  'bpmn:CallActivity',
];

/** Elements that carry no behaviour and are accepted as documentation. */
const PASSIVE_ELEMENTS = new Set([
  'bpmn:SequenceFlow',
  'bpmn:DataObject',
  'bpmn:DataObjectReference',
  'bpmn:DataStoreReference',
  'bpmn:TextAnnotation',
  'bpmn:Association',
  'bpmn:Group',
]);

const SERVICE_LIKE = new Set(['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask']);
const IGNORED_EXTENSIONS = new Set([
  'camunda:ExecutionListener',
  'camunda:TaskListener',
  'camunda:InputOutput',
  'camunda:FormData',
  'camunda:Connector',
  'camunda:In',
  'camunda:Out',
]);

type EventDefinitionKind = 'none' | 'timer' | 'message' | 'error' | 'terminate' | string;

/** Which event definitions each event position may carry. */
const ALLOWED_EVENT_DEFINITIONS: Readonly<Record<string, readonly EventDefinitionKind[]>> = {
  processStart: ['none', 'timer', 'message'],
  subprocessStart: ['none'],
  'bpmn:IntermediateCatchEvent': ['timer', 'message'],
  'bpmn:IntermediateThrowEvent': ['none', 'message'],
  'bpmn:BoundaryEvent': ['timer', 'message', 'error'],
  'bpmn:EndEvent': ['none', 'error', 'terminate', 'message'],
};

function kindOf(definition: ModdleElement | undefined): EventDefinitionKind {
  if (!definition) return 'none';
  return definition.$type
    .replace(/^bpmn:/, '')
    .replace(/EventDefinition$/, '')
    .toLowerCase();
}

export interface LintOutcome {
  problems: LintProblem[];
  metadata?: ProcessMetadata;
}

class Linter {
  readonly problems: LintProblem[] = [];
  readonly userTasks: UserTaskMetadata[] = [];
  readonly timers: TimerMetadata[] = [];
  readonly messages: MessageMetadata[] = [];
  readonly serviceTasks: ServiceTaskMetadata[] = [];
  readonly errors: ErrorEventMetadata[] = [];
  readonly elements: ProcessMetadata['elements'] = {};
  readonly formChecks: { elementId: string; form: FormRef }[] = [];
  readonly handlerChecks: { elementId: string; handler: string }[] = [];
  private readonly groups: Set<string>;
  private readonly processes: Map<string, ModdleElement>;
  private readonly visitedProcesses = new Set<string>();

  constructor(
    root: ModdleElement,
    private readonly context: LintContext,
  ) {
    this.groups = new Set(context.knownGroups);
    this.processes = new Map(
      children(root, 'rootElements')
        .filter((e) => e.$type === 'bpmn:Process' && e.id)
        .map((p) => [p.id!, p]),
    );
  }

  error(elementId: string | null | undefined, code: string, message: string): void {
    this.problems.push({ elementId: elementId ?? null, code, message, severity: 'error' });
  }

  warn(elementId: string | null | undefined, code: string, message: string): void {
    this.problems.push({ elementId: elementId ?? null, code, message, severity: 'warning' });
  }

  lintProcess(process: ModdleElement, isMain: boolean): void {
    if (!process.id || this.visitedProcesses.has(process.id)) return;
    this.visitedProcesses.add(process.id);
    const flowElements = children(process, 'flowElements');
    const starts = flowElements.filter((e) => e.$type === 'bpmn:StartEvent');
    if (starts.length !== 1) {
      this.error(
        process.id,
        'bpmn.start_event_count',
        `a ${isMain ? 'process' : 'called process'} needs exactly one start event, found ${starts.length} ` +
          '(several start events would all start at once)',
      );
    }
    this.lintFlowElements(flowElements, 'process');
    this.lintLaneless(process);
  }

  private lintLaneless(process: ModdleElement): void {
    for (const artifact of children(process, 'artifacts')) this.lintPassive(artifact);
  }

  private lintPassive(element: ModdleElement): void {
    if (!PASSIVE_ELEMENTS.has(element.$type)) {
      this.error(element.id, 'bpmn.unsupported_element', unsupportedMessage(element.$type));
    }
  }

  lintFlowElements(elements: ModdleElement[], scope: 'process' | 'subprocess'): void {
    for (const element of elements) {
      if (PASSIVE_ELEMENTS.has(element.$type)) {
        if (element.$type === 'bpmn:SequenceFlow') this.lintSequenceFlow(element);
        continue;
      }
      if (!SUPPORTED_FLOW_NODES.includes(element.$type)) {
        this.error(element.id, 'bpmn.unsupported_element', unsupportedMessage(element.$type));
        continue;
      }
      if (!element.id) {
        this.error(null, 'bpmn.missing_id', `a ${element.$type} has no id`);
        continue;
      }
      if (isSyntheticId(element.id) && !madeByRewrite.has(element)) {
        this.error(element.id, 'bpmn.reserved_id', `ids starting with "${SYNTHETIC_ID_PREFIX}" are reserved`);
        continue;
      }
      this.elements[element.id] = { type: element.$type, name: element.name ?? null };
      this.lintCommon(element);
      switch (element.$type) {
        case 'bpmn:StartEvent':
          this.lintEvent(element, scope === 'process' ? 'processStart' : 'subprocessStart');
          break;
        case 'bpmn:EndEvent':
        case 'bpmn:IntermediateCatchEvent':
        case 'bpmn:IntermediateThrowEvent':
        case 'bpmn:BoundaryEvent':
          this.lintEvent(element, element.$type);
          break;
        case 'bpmn:UserTask':
          this.lintUserTask(element);
          break;
        case 'bpmn:ReceiveTask':
          this.lintMessageRef(element, element, 'receiveTask');
          break;
        case 'bpmn:SubProcess':
          this.lintSubProcess(element);
          break;
        case 'bpmn:CallActivity':
          this.lintCallActivity(element);
          break;
        case 'bpmn:EventBasedGateway':
          this.lintEventBasedGateway(element);
          break;
        default:
          if (SERVICE_LIKE.has(element.$type)) this.lintServiceTask(element);
      }
    }
  }

  private lintCommon(element: ModdleElement): void {
    if (child(element, 'loopCharacteristics')) {
      this.error(
        element.id,
        'bpmn.unsupported_loop',
        'loops and multi-instance activities are not supported yet; model the repetition with a gateway',
      );
    }
    if (element.isForCompensation === true) {
      this.error(element.id, 'bpmn.unsupported_compensation', 'compensation is not supported');
    }
    const extensionElements = child(element, 'extensionElements');
    for (const ext of extensionElements ? children(extensionElements, 'values') : []) {
      if (IGNORED_EXTENSIONS.has(ext.$type)) {
        this.warn(element.id, 'bpmn.extension_ignored', `${ext.$type} is ignored by the collectflow runtime`);
      }
    }
  }

  private lintSequenceFlow(flow: ModdleElement): void {
    const condition = child(flow, 'conditionExpression');
    if (!condition) return;
    const language = stringProp(condition, 'language');
    if (language) {
      this.error(
        flow.id,
        'bpmn.script_condition_unsupported',
        `conditions in ${language} are not run; write a \${...} expression without a language`,
      );
      return;
    }
    const body = bodyOf(condition)?.trim() ?? '';
    if (!isWholeExpression(body)) {
      const problem = body ? checkTemplate(body) : undefined;
      this.error(
        flow.id,
        'bpmn.invalid_condition',
        problem ??
          `a condition must be one \${...} expression, e.g. \${paidAmount >= promisedAmount}; got "${body}"`,
      );
      return;
    }
    const problem = checkTemplate(body);
    if (problem) this.error(flow.id, 'bpmn.invalid_condition', problem);
  }

  private lintEvent(event: ModdleElement, position: string): void {
    const definitions = children(event, 'eventDefinitions');
    if (definitions.length > 1) {
      this.error(
        event.id,
        'bpmn.unsupported_element',
        'events with several event definitions are not supported',
      );
      return;
    }
    const definition = definitions[0];
    const kind = kindOf(definition);
    const allowed = ALLOWED_EVENT_DEFINITIONS[position] ?? [];
    if (!allowed.includes(kind)) {
      this.error(
        event.id,
        'bpmn.unsupported_event_definition',
        `${kind === 'none' ? 'plain' : kind} ${describePosition(position)}s are not supported here; ` +
          `supported: ${allowed.join(', ')}`,
      );
      return;
    }
    const attachedTo = child(event, 'attachedToRef')?.id;
    const interrupting =
      event.$type === 'bpmn:BoundaryEvent'
        ? event.cancelActivity !== false
        : event.$type === 'bpmn:StartEvent'
          ? event.isInterrupting !== false
          : undefined;
    if (event.$type === 'bpmn:BoundaryEvent' && !attachedTo) {
      this.error(event.id, 'bpmn.boundary_unattached', 'the boundary event is not attached to an activity');
    }
    switch (kind) {
      case 'timer':
        this.lintTimer(event, definition!, timerKind(position), attachedTo, interrupting);
        break;
      case 'message':
        this.lintMessageRef(event, definition!, messageKind(position), attachedTo, interrupting);
        break;
      case 'error': {
        const errorRef = child(definition!, 'errorRef');
        const errorCode = errorRef ? (stringProp(errorRef, 'errorCode') ?? null) : null;
        if (event.$type === 'bpmn:EndEvent' && !errorCode) {
          this.warn(
            event.id,
            'bpmn.error_without_code',
            'the error end event throws an error without an errorCode',
          );
        }
        this.errors.push({
          elementId: event.id!,
          kind: event.$type === 'bpmn:EndEvent' ? 'end' : 'boundary',
          errorCode,
          ...(attachedTo && { attachedTo }),
        });
        break;
      }
    }
  }

  private lintTimer(
    event: ModdleElement,
    definition: ModdleElement,
    kind: TimerEventKind,
    attachedTo: string | undefined,
    interrupting: boolean | undefined,
  ): void {
    const present = (['timeDuration', 'timeDate', 'timeCycle'] as const).filter((t) => child(definition, t));
    if (present.length !== 1) {
      this.error(
        event.id,
        'bpmn.invalid_timer',
        present.length === 0
          ? 'the timer has no timeDuration, timeDate or timeCycle'
          : 'a timer must have exactly one of timeDuration, timeDate or timeCycle',
      );
      return;
    }
    const timerType: TimerType = present[0]!;
    const expression = bodyOf(child(definition, timerType))?.trim() ?? '';
    if (!expression) {
      this.error(event.id, 'bpmn.invalid_timer', `the ${timerType} is empty`);
      return;
    }
    if (expression.includes('${')) {
      const problem = checkTemplate(expression);
      if (problem) this.error(event.id, 'bpmn.invalid_timer', problem);
    } else {
      try {
        parseTimer(timerType, expression);
        if (timerType === 'timeDate' && !parseIsoDateTime(expression).hasOffset) {
          this.warn(
            event.id,
            'bpmn.timer_date_without_zone',
            `"${expression}" has no UTC offset; it is read as UTC. Write Z or +hh:mm to be explicit`,
          );
        }
      } catch (err) {
        if (!(err instanceof TimerExpressionError)) throw err;
        this.error(event.id, 'bpmn.invalid_timer', err.message);
        return;
      }
    }
    this.timers.push({
      elementId: event.id!,
      kind,
      timerType,
      expression,
      ...(attachedTo && { attachedTo }),
      ...(interrupting !== undefined && { interrupting }),
    });
  }

  private lintMessageRef(
    element: ModdleElement,
    holder: ModdleElement,
    kind: MessageEventKind,
    attachedTo?: string,
    interrupting?: boolean,
  ): void {
    const message = child(holder, 'messageRef');
    const name = message ? stringProp(message, 'name') : undefined;
    if (!message?.id || !name) {
      this.error(
        element.id,
        'bpmn.message_missing',
        'reference a message with a name (bpmn:Message@name) to correlate on',
      );
      return;
    }
    if (name.includes('${')) {
      this.error(
        element.id,
        'bpmn.dynamic_message_name',
        `message names are matched literally; "${name}" is an expression`,
      );
      return;
    }
    this.messages.push({
      elementId: element.id!,
      kind,
      name,
      messageId: message.id,
      ...(attachedTo && { attachedTo }),
      ...(interrupting !== undefined && { interrupting }),
    });
  }

  private lintUserTask(task: ModdleElement): void {
    const formKey = stringProp(task, 'formKey');
    const groups = splitList(stringProp(task, 'candidateGroups'));
    if (!formKey) {
      this.error(
        task.id,
        'bpmn.user_task_without_form',
        'set camunda:formKey, e.g. "debt-case" or "debt-case@3"',
      );
    }
    const form = formKey ? parseFormKey(formKey) : undefined;
    if (formKey && !form) {
      this.error(
        task.id,
        'bpmn.invalid_form_key',
        `"${formKey}" is not a form key like "debt-case" or "debt-case@3"`,
      );
    }
    if (form) this.formChecks.push({ elementId: task.id!, form });
    for (const group of groups) {
      if (group.includes('${')) {
        const problem = checkTemplate(group);
        if (problem) this.error(task.id, 'bpmn.invalid_expression', problem);
      } else if (!this.groups.has(group)) {
        this.error(task.id, 'bpmn.unknown_group', `candidate group "${group}" does not exist`);
      }
    }
    for (const attribute of ['assignee', 'priority'] as const) {
      const value = stringProp(task, attribute);
      const problem = value?.includes('${') ? checkTemplate(value) : undefined;
      if (problem) this.error(task.id, 'bpmn.invalid_expression', `${attribute}: ${problem}`);
    }
    const priority = stringProp(task, 'priority');
    if (priority && !priority.includes('${') && !/^-?\d+$/.test(priority.trim())) {
      this.error(task.id, 'bpmn.invalid_priority', `priority "${priority}" is not an integer`);
    }
    const dueDate = stringProp(task, 'dueDate');
    if (dueDate) this.lintDueDate(task, dueDate);
    this.userTasks.push({
      elementId: task.id!,
      name: task.name ?? null,
      names: localizedNames(task),
      form: form ?? { key: formKey ?? '' },
      candidateGroups: groups,
      assignee: stringProp(task, 'assignee') ?? null,
      dueDate: dueDate ?? null,
      priority: priority ?? null,
    });
  }

  private lintDueDate(task: ModdleElement, dueDate: string): void {
    if (dueDate.includes('${')) {
      const problem = checkTemplate(dueDate);
      if (problem) this.error(task.id, 'bpmn.invalid_due_date', problem);
      return;
    }
    try {
      if (dueDate.trim().toUpperCase().startsWith('P')) parseIsoDuration(dueDate);
      else parseIsoDateTime(dueDate);
    } catch (err) {
      this.error(task.id, 'bpmn.invalid_due_date', err instanceof Error ? err.message : String(err));
    }
  }

  private lintServiceTask(task: ModdleElement): void {
    for (const attribute of ['class', 'expression', 'delegateExpression']) {
      if (stringProp(task, attribute)) {
        this.error(
          task.id,
          'bpmn.service_implementation_unsupported',
          `camunda:${attribute} is not supported; use camunda:type="external" with camunda:topic="<handler name>"`,
        );
        return;
      }
    }
    const type = stringProp(task, 'type');
    if (type && type !== 'external') {
      this.error(
        task.id,
        'bpmn.service_implementation_unsupported',
        `camunda:type="${type}" is not supported; use camunda:type="external"`,
      );
      return;
    }
    const handler = stringProp(task, 'topic')?.trim();
    if (!handler) {
      this.error(
        task.id,
        'bpmn.service_handler_missing',
        'name the handler that does the work: camunda:type="external" camunda:topic="<handler name>"',
      );
      return;
    }
    this.handlerChecks.push({ elementId: task.id!, handler });
    this.serviceTasks.push({
      elementId: task.id!,
      name: task.name ?? null,
      elementType: task.$type,
      handler,
    });
  }

  private lintSubProcess(subProcess: ModdleElement): void {
    if (subProcess.triggeredByEvent === true) {
      // Supported event subprocesses were rewritten to boundary events before lint
      // (event-subprocess.rewrite.ts); what is left here is what that rewrite cannot express.
      this.error(
        subProcess.id,
        'bpmn.unsupported_event_subprocess',
        'an event subprocess needs exactly one start event with a message, timer or error trigger, ' +
          'in a process or subprocess whose own start event has no trigger',
      );
      return;
    }
    this.lintFlowElements(children(subProcess, 'flowElements'), 'subprocess');
    for (const artifact of children(subProcess, 'artifacts')) this.lintPassive(artifact);
  }

  private lintCallActivity(callActivity: ModdleElement): void {
    const calledElement = stringProp(callActivity, 'calledElement');
    const called = calledElement ? this.processes.get(calledElement) : undefined;
    if (!called) {
      this.error(
        callActivity.id,
        'bpmn.called_process_missing',
        `call activities may only call a process in the same file; "${calledElement ?? ''}" is not one`,
      );
      return;
    }
    if (called.isExecutable === true) {
      this.error(
        callActivity.id,
        'bpmn.called_process_executable',
        `process "${calledElement}" is called, so it must not be executable (it would also start on its own)`,
      );
    }
    this.lintProcess(called, false);
  }

  private lintEventBasedGateway(gateway: ModdleElement): void {
    for (const flow of children(gateway, 'outgoing')) {
      const target = child(flow, 'targetRef');
      if (!target) continue;
      const definition = children(target, 'eventDefinitions')[0];
      const ok =
        target.$type === 'bpmn:ReceiveTask' ||
        (target.$type === 'bpmn:IntermediateCatchEvent' && ['timer', 'message'].includes(kindOf(definition)));
      if (!ok) {
        this.error(
          gateway.id,
          'bpmn.event_gateway_target',
          `an event-based gateway must lead to timer/message catch events or receive tasks; ${target.id} is ${target.$type}`,
        );
      }
    }
  }

  async checkRegistries(): Promise<void> {
    for (const { elementId, form } of this.formChecks) {
      if (!(await this.context.formExists(form.key, form.version))) {
        const label = form.version === undefined ? form.key : `${form.key}@${form.version}`;
        this.error(elementId, 'bpmn.unknown_form', `form "${label}" is not in the form registry`);
      }
    }
    for (const { elementId, handler } of this.handlerChecks) {
      if (!(await this.context.handlerExists(handler))) {
        this.error(
          elementId,
          'bpmn.unknown_service_handler',
          `no service handler named "${handler}" is registered`,
        );
      }
    }
  }
}

function unsupportedMessage(type: string): string {
  return `${type} is not supported; supported flow nodes: ${SUPPORTED_FLOW_NODES.map((t) => t.slice(5)).join(', ')}`;
}

function describePosition(position: string): string {
  switch (position) {
    case 'processStart':
    case 'subprocessStart':
      return 'start event';
    default:
      return position
        .replace(/^bpmn:/, '')
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .toLowerCase();
  }
}

function timerKind(position: string): TimerEventKind {
  if (position === 'processStart') return 'start';
  if (position === 'bpmn:BoundaryEvent') return 'boundary';
  return 'intermediate';
}

function messageKind(position: string): MessageEventKind {
  switch (position) {
    case 'processStart':
      return 'start';
    case 'bpmn:BoundaryEvent':
      return 'boundary';
    case 'bpmn:IntermediateThrowEvent':
      return 'intermediateThrow';
    case 'bpmn:EndEvent':
      return 'end';
    default:
      return 'intermediateCatch';
  }
}

/** Lints a parsed model; returns metadata for the executable process when there is one. */
export async function lintDefinitions(root: ModdleElement, context: LintContext): Promise<LintOutcome> {
  const linter = new Linter(root, context);
  if (root.$type !== 'bpmn:Definitions') {
    linter.error(root.id, 'bpmn.not_bpmn', 'the root element is not bpmn:definitions');
    return { problems: linter.problems };
  }
  const processes = children(root, 'rootElements').filter((e) => e.$type === 'bpmn:Process');
  if (processes.length === 0) {
    linter.error(null, 'bpmn.no_process', 'the file contains no process');
    return { problems: linter.problems };
  }
  const executable = processes.filter((p) => p.isExecutable === true);
  if (executable.length === 0) {
    for (const process of processes) {
      linter.error(
        process.id,
        'bpmn.not_executable',
        'the process is not executable; set isExecutable="true" on the one process to run',
      );
    }
    // Still report what would stop each process from running once it is marked executable.
    for (const process of processes) linter.lintProcess(process, true);
    await linter.checkRegistries();
    return { problems: linter.problems };
  }
  for (const extra of executable.slice(1)) {
    linter.error(
      extra.id,
      'bpmn.multiple_executable_processes',
      `only one process per file may be executable; ${executable[0]!.id} already is`,
    );
  }
  const main = executable[0]!;
  if (!main.id) {
    linter.error(null, 'bpmn.missing_id', 'the executable process has no id');
    return { problems: linter.problems };
  }
  linter.lintProcess(main, true);
  await linter.checkRegistries();
  return {
    problems: linter.problems,
    metadata: {
      processKey: main.id,
      name: main.name ?? null,
      userTasks: linter.userTasks,
      timers: linter.timers,
      messages: linter.messages,
      serviceTasks: linter.serviceTasks,
      errors: linter.errors,
      elements: linter.elements,
    },
  };
}

/** `name@<locale>` camunda:properties of an element: its name in other languages. */
function localizedNames(element: ModdleElement): Record<string, string> {
  const names: Record<string, string> = {};
  const extensionElements = child(element, 'extensionElements');
  for (const ext of extensionElements ? children(extensionElements, 'values') : []) {
    if (ext.$type !== 'camunda:Properties') continue;
    for (const property of children(ext, 'values')) {
      const name = stringProp(property, 'name');
      const value = stringProp(property, 'value');
      if (name?.startsWith('name@') && value) names[name.slice('name@'.length)] = value;
    }
  }
  return names;
}
