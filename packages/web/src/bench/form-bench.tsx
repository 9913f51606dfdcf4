import PlainForm from '@rjsf/antd';
import type { RJSFSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { ConfigProvider } from 'antd';
import { type ReactNode, StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { FormVersion } from '../api/types';
import { FormRenderer } from '../forms/form-renderer';
import { LocaleProvider } from '../i18n/locale.context';
import '../app.css';

/**
 * The page `npm run bench` drives (bench/groups/web.bench.ts): a 200-field form rendered by the
 * app's renderer (?mode=ours) or by plain rjsf with its antd theme and ajv validator (?mode=plain),
 * from the same schema in the same build. It reports the first render and each keystroke.
 */

const KINDS = ['text', 'decimal', 'integer', 'enum', 'date', 'boolean', 'textarea', 'text'] as const;

function form200(): Pick<FormVersion, 'key' | 'version' | 'schema' | 'uiSchema' | 'metadata'> {
  const properties: Record<string, unknown> = {};
  const uiSchema: Record<string, unknown> = {};
  for (let i = 0; i < 200; i++) {
    const name = `f${String(i).padStart(3, '0')}`;
    const kind = KINDS[i % KINDS.length];
    const titles = {
      'x-i18n': { 'zh-CN': { title: `字段 ${i}` }, en: { title: `Field ${i}` } },
      title: `Field ${i}`,
    };
    if (kind === 'text') properties[name] = { type: 'string', maxLength: 80, ...titles };
    if (kind === 'decimal') properties[name] = { type: 'string', format: 'decimal', ...titles };
    if (kind === 'integer') properties[name] = { type: 'integer', minimum: 0, ...titles };
    if (kind === 'enum') properties[name] = { type: 'string', enum: ['A', 'B', 'C', 'D', 'E'], ...titles };
    if (kind === 'date') properties[name] = { type: 'string', format: 'date', ...titles };
    if (kind === 'boolean') properties[name] = { type: 'boolean', ...titles };
    if (kind === 'textarea') {
      properties[name] = { type: 'string', maxLength: 500, ...titles };
      uiSchema[name] = { 'ui:widget': 'textarea' };
    }
  }
  properties.total = { type: 'string', format: 'decimal', title: 'Total' };
  return {
    key: 'bench-200',
    version: 1,
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      required: ['f000', 'f001'],
      properties,
      allOf: [
        {
          if: { properties: { f005: { const: true } }, required: ['f005'] },
          // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then
          then: { required: ['f006'] },
        },
      ],
    },
    uiSchema,
    metadata: {
      sensitive: [],
      indexed: [],
      computed: [{ pointer: '/total', expression: 'f001 + f009 + f017', type: 'money' }],
    },
  };
}

declare global {
  interface Window {
    __bench: { renderMs?: number; keyMs: number[]; arm(): void; ready: boolean };
  }
}

const mode = new URLSearchParams(location.search).get('mode') === 'plain' ? 'plain' : 'ours';
const version = form200();
window.__bench = { keyMs: [], ready: false, arm: () => {} };

// A key press is timed from keydown to the frame after the input event was handled (React has
// committed the re-render by then: it flushes discrete events synchronously).
let pressedAt: number | null = null;
window.__bench.arm = () => {
  pressedAt = null;
};
document.addEventListener(
  'keydown',
  () => {
    pressedAt = performance.now();
  },
  true,
);
document.addEventListener('input', () => {
  const t0 = pressedAt;
  if (t0 === null) return;
  pressedAt = null;
  requestAnimationFrame(() => window.__bench.keyMs.push(performance.now() - t0));
});

/**
 * Whether the form is not all there yet: the renderer first loads the widgets the form needs
 * (forms/lazy-widgets.tsx), and a widget it did not foresee is a placeholder until its code arrives.
 */
const waiting = () =>
  document.getElementById('root_f199') === null || document.querySelector('.cf-widget-loading') !== null;

function Rendered({ children, startedAt }: { children: ReactNode; startedAt: number }) {
  useEffect(() => {
    const done = () =>
      requestAnimationFrame(() => {
        window.__bench.renderMs = performance.now() - startedAt;
        window.__bench.ready = true;
      });
    // The first render counts as done when every field shows its real widget, lazy ones included.
    if (!waiting()) {
      done();
      return;
    }
    const observer = new MutationObserver(() => {
      if (waiting()) return;
      observer.disconnect();
      done();
    });
    observer.observe(document.body, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [startedAt]);
  return <>{children}</>;
}

function Plain() {
  const [data, setData] = useState<Record<string, unknown>>({});
  return (
    <PlainForm
      schema={version.schema as RJSFSchema}
      uiSchema={version.uiSchema}
      validator={validator}
      formData={data}
      onChange={(e) => setData(e.formData as Record<string, unknown>)}
      showErrorList={false}
    />
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('no #root');
const startedAt = performance.now();
createRoot(root).render(
  <StrictMode>
    <LocaleProvider>
      <ConfigProvider>
        <Rendered startedAt={startedAt}>
          <main style={{ padding: 16 }} data-mode={mode}>
            {mode === 'plain' ? <Plain /> : <FormRenderer version={version} onSubmit={() => {}} />}
          </main>
        </Rendered>
      </ConfigProvider>
    </LocaleProvider>
  </StrictMode>,
);
