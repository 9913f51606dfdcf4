import { compileTemplate } from '@collectflow/engine';
import { BpmnError, type ServiceTaskHandler } from './runtime.ports.js';

const DEFAULT_TIMEOUT_MS = 10_000;
const RETRYABLE = new Set([408, 425, 429]);

/**
 * The built-in `http` handler. Configured by the service task's camunda:properties:
 * `url` (may use `${variable}`), `method` (POST), `timeoutMs` (10000), `resultVariable`
 * (store the response body under that name; otherwise a JSON object response is merged).
 * Sends the process variables as JSON with an Idempotency-Key header. 2xx completes the task;
 * 408/425/429/5xx, timeouts and network errors are retried; other 4xx are BPMN errors
 * `HTTP_<status>` that an error boundary event can catch.
 */
export function createHttpHandler(options: { fetch?: typeof fetch } = {}): ServiceTaskHandler {
  const doFetch = options.fetch ?? fetch;
  return async (call) => {
    const { config } = call;
    if (!config.url)
      throw new BpmnError('HTTP_CONFIG', `service task ${call.elementId} has no "url" property`);
    const url = String(
      config.url.includes('${')
        ? compileTemplate(config.url).evaluate({ ...call.input, variables: call.input })
        : config.url,
    );
    const method = (config.method ?? 'POST').toUpperCase();
    const timeoutMs = Number(config.timeoutMs) > 0 ? Number(config.timeoutMs) : DEFAULT_TIMEOUT_MS;
    const signal = AbortSignal.any([call.signal, AbortSignal.timeout(timeoutMs)]);
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const response = await doFetch(url, {
      method,
      signal,
      headers: {
        accept: 'application/json',
        'idempotency-key': call.idempotencyKey,
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
      },
      ...(hasBody
        ? {
            body: JSON.stringify({
              instanceId: call.instanceId,
              elementId: call.elementId,
              businessKey: call.businessKey,
              attempt: call.attempt,
              variables: call.input,
            }),
          }
        : {}),
    });
    const text = await response.text();
    if (response.status >= 500 || RETRYABLE.has(response.status)) {
      throw new Error(`${method} ${url} answered ${response.status}`);
    }
    if (!response.ok) {
      throw new BpmnError(
        `HTTP_${response.status}`,
        `${method} ${url} answered ${response.status}: ${text.slice(0, 200)}`,
      );
    }
    let body: unknown = text;
    if (text && (response.headers.get('content-type') ?? '').includes('json')) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (config.resultVariable) return { [config.resultVariable]: body === '' ? null : body };
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  };
}
