import Serializer from 'moddle-context-serializer';
import { typeResolver } from '../runtime/element.types.js';
import { type LintContext, lintDefinitions } from './bpmn.lint.js';
import { parseModdle } from './bpmn.model.js';
import { DEPLOYMENT_FORMAT, type DeploymentDefinition } from './deployment.definition.js';
import { rewriteEventSubprocesses } from './event-subprocess.rewrite.js';
import type { LintProblem } from './lint-problem.js';
import { decodeBpmnSource, MAX_BPMN_BYTES } from './xml-source.decoder.js';

export interface ParseAndLintOptions extends LintContext {
  /** Defaults to {@link MAX_BPMN_BYTES}. */
  maxBytes?: number;
}

export interface ParseAndLintResult {
  /** Present only when there are no error-severity problems. */
  definition?: DeploymentDefinition;
  problems: LintProblem[];
}

/**
 * Parses, lints and pre-serializes a BPMN upload. Never throws for bad input: every finding is
 * a problem in the result, and `definition` is present only when the model can run.
 */
export async function parseAndLint(
  source: Uint8Array | string,
  options: ParseAndLintOptions,
): Promise<ParseAndLintResult> {
  const decoded = decodeBpmnSource(source, options.maxBytes ?? MAX_BPMN_BYTES);
  if (decoded.text === undefined) return { problems: decoded.problems };

  let parsed: Awaited<ReturnType<typeof parseModdle>>;
  try {
    parsed = await parseModdle(decoded.text);
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/\s+/g, ' ').trim() : String(err);
    return { problems: [{ elementId: null, code: 'bpmn.malformed_xml', message, severity: 'error' }] };
  }

  const problems: LintProblem[] = parsed.warnings.map((warning) => {
    const message = warning.message.replace(/\s+/g, ' ').trim();
    const unresolved = message.startsWith('unresolved reference');
    return {
      elementId: warning.element?.id ?? null,
      code: unresolved ? 'bpmn.unresolved_reference' : 'bpmn.unparsable_content',
      message,
      severity: unresolved ? 'error' : 'warning',
    };
  });
  if (!parsed.rootElement) {
    problems.push({
      elementId: null,
      code: 'bpmn.not_bpmn',
      message: 'no bpmn:definitions found',
      severity: 'error',
    });
    return { problems };
  }

  rewriteEventSubprocesses(parsed.rootElement, parsed.context, parsed.moddle);
  const outcome = await lintDefinitions(parsed.rootElement, options);
  problems.push(...outcome.problems);
  if (!outcome.metadata || problems.some((p) => p.severity === 'error')) return { problems };

  let sourceContext: string;
  try {
    sourceContext = Serializer(parsed.context as never, typeResolver).serialize();
  } catch (err) {
    problems.push({
      elementId: null,
      code: 'bpmn.serialize_failed',
      message: err instanceof Error ? err.message : String(err),
      severity: 'error',
    });
    return { problems };
  }
  return {
    definition: {
      format: DEPLOYMENT_FORMAT,
      processKey: outcome.metadata.processKey,
      name: outcome.metadata.name,
      metadata: outcome.metadata,
      sourceContext,
    },
    problems,
  };
}
