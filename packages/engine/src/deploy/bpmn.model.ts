import { BpmnModdle } from 'bpmn-moddle';
import camundaSchema from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };

/**
 * The slice of a bpmn-moddle element we read. bpmn-moddle's generated types are precise but
 * the linter walks arbitrary (and broken) models, so it reads defensively through this shape.
 */
export interface ModdleElement {
  readonly $type: string;
  readonly id?: string;
  readonly name?: string;
  readonly $attrs?: Readonly<Record<string, string>>;
  readonly $parent?: ModdleElement;
  readonly [key: string]: unknown;
}

export interface ModdleWarning {
  message: string;
  element?: ModdleElement;
}

export interface ParsedModdle {
  rootElement: ModdleElement;
  warnings: ModdleWarning[];
  /** The whole context, handed to moddle-context-serializer as is. */
  context: unknown;
  /** The moddle that parsed it, to create elements in deploy-time rewrites. */
  moddle: BpmnModdle;
}

export function createModdle(): BpmnModdle {
  // camunda.json is the descriptor that teaches moddle camunda:formKey, camunda:topic, ...
  return new BpmnModdle({ camunda: camundaSchema as unknown as Record<string, unknown> } as never);
}

export async function parseModdle(xml: string): Promise<ParsedModdle> {
  const moddle = createModdle();
  const context = (await moddle.fromXML(xml, 'bpmn:Definitions')) as unknown as {
    rootElement: ModdleElement;
    warnings: ModdleWarning[];
  };
  return { rootElement: context.rootElement, warnings: context.warnings ?? [], context, moddle };
}

export function children(element: ModdleElement, key: string): ModdleElement[] {
  const value = element[key];
  return Array.isArray(value) ? (value as ModdleElement[]) : [];
}

export function child(element: ModdleElement, key: string): ModdleElement | undefined {
  const value = element[key];
  return value && typeof value === 'object' ? (value as ModdleElement) : undefined;
}

export function stringProp(element: ModdleElement, key: string): string | undefined {
  const value = element[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** The text body of a tFormalExpression (condition, timer value). */
export function bodyOf(element: ModdleElement | undefined): string | undefined {
  if (!element) return undefined;
  return stringProp(element, 'body');
}
