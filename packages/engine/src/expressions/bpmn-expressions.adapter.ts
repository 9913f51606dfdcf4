import { compileTemplate, type ExpressionScope } from './expression.language.js';

/**
 * What bpmn-elements hands to `resolveExpression`: the environment plus the current message
 * (`content`, `fields`, `properties`). We expose process variables by bare name (Camunda style)
 * and keep `variables.x`, `environment.variables.x` and `content.x` for bpmn-engine habits.
 */
interface BpmnExpressionContext {
  environment?: { variables?: Record<string, unknown>; output?: Record<string, unknown> };
  content?: Record<string, unknown>;
}

export function scopeOf(context: unknown): ExpressionScope {
  const ctx = (context ?? {}) as BpmnExpressionContext;
  const variables = ctx.environment?.variables ?? {};
  return {
    ...variables,
    variables,
    environment: { variables, output: ctx.environment?.output ?? {} },
    content: ctx.content ?? {},
  };
}

/**
 * Replaces bpmn-elements' default expression resolver, which walks arbitrary property paths
 * and calls functions it finds there; ours only evaluates our expression language.
 */
export function createBpmnExpressions() {
  return {
    resolveExpression(templatedString: unknown, context?: unknown): unknown {
      if (typeof templatedString !== 'string' || !templatedString.includes('${')) return templatedString;
      return compileTemplate(templatedString).evaluate(scopeOf(context));
    },
    isExpression(text: unknown): boolean {
      return typeof text === 'string' && /^\$\{.+\}$/s.test(text.trim());
    },
    hasExpression(text: unknown): boolean {
      return typeof text === 'string' && text.includes('${');
    },
  };
}

/**
 * A script registry that registers nothing. bpmn-engine's default runs JavaScript conditions
 * and script tasks in node:vm, which is no sandbox. With this, a condition always goes through
 * `resolveExpression` (our language) and a script task fails instead of running code.
 */
export function createNoScripts() {
  return {
    register(): undefined {
      return undefined;
    },
    getScript(): undefined {
      return undefined;
    },
  };
}
