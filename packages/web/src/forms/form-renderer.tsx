import type { IChangeEvent } from '@rjsf/core';
import type { ErrorSchema, FieldProps, RegistryFieldsType, RJSFSchema, UiSchema } from '@rjsf/utils';
import { Alert, Button, Spin } from 'antd';
import { lazy, type ReactNode, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ProblemItem } from '../api/client';
import type { FormVersion } from '../api/types';
import { useLocale } from '../i18n/locale.context';
import { hiddenFields, pruneEmptyObjects, settleHidden, uiWithState } from './conditional-fields';
import { preloadWidgets, widgetsLoaded, widgetsNeededBy } from './lazy-widgets';
import { localizeForm } from './localize-form';
import { validatorFor } from './schema.validator';
import { errorSchemaOf, pointerSegments, stillStanding } from './server-errors';
import { ThemedForm } from './theme';

type Data = Record<string, unknown>;
type Evaluator = typeof import('./computed.evaluator');

export interface FormRendererProps {
  version: Pick<FormVersion, 'key' | 'version' | 'schema' | 'uiSchema' | 'metadata'>;
  initialData?: Data;
  /** Field errors of the server's last refusal (a 422's `errors`), shown under their fields. */
  serverErrors?: ProblemItem[];
  /** The data that was refused: an error disappears once its field changes. */
  refusedData?: unknown;
  onSubmit?(data: Data): void | Promise<void>;
  onChange?(data: Data): void;
  submitLabel?: string;
  busy?: boolean;
  readOnly?: boolean;
  /** Buttons beside the submit button. */
  actions?: ReactNode;
  /** Prefix of the input ids (two forms on one page must differ). */
  idPrefix?: string;
  /**
   * Where file fields send their files (a POST taking the file as its body): the form's uploads
   * for a record, a task's attachments for a task form. Without it file fields cannot upload.
   */
  uploadTo?: string;
}

// antd's Upload comes with the first form that has a file field, not with every form.
const LoadedFileField = lazy(() => import('./file.field').then((m) => ({ default: m.FileField })));
function FileField(props: FieldProps) {
  return (
    <Suspense fallback={<div className="cf-widget-loading" aria-busy="true" />}>
      <LoadedFileField {...props} />
    </Suspense>
  );
}

// Fields an inactive if/then/else branch names render as nothing; file fields are uploads.
const FIELDS: RegistryFieldsType = { cfHidden: () => null, cfFile: FileField };
const DEFAULTS = { emptyObjectFields: 'populateRequiredDefaults' } as const;

/**
 * Every form of the app (task forms, record create and edit, the case workspace's actions) goes
 * through this: rjsf with the antd theme, labels in the UI language, an eval-free validator,
 * conditional fields, live computed fields and the server's field errors under their fields.
 */
export function FormRenderer(props: FormRendererProps) {
  const { version, serverErrors = [], refusedData, readOnly = false, idPrefix = 'root' } = props;
  const { locale, t } = useLocale();
  const validator = validatorFor(locale);
  const computed = version.metadata?.computed ?? [];
  const { schema, uiSchema } = useMemo(
    () => localizeForm(version.schema, version.uiSchema ?? {}, locale),
    [version.schema, version.uiSchema, locale],
  );
  // The select and checkbox widgets this form uses load before its first render (lazy-widgets.tsx).
  const needed = useMemo(() => widgetsNeededBy(schema, uiSchema), [schema, uiSchema]);
  // Settled: loaded, or failed to load (the form then shows, and a missing widget keeps trying).
  const [widgetsSettled, setWidgetsSettled] = useState(false);
  const widgetsReady = widgetsSettled || widgetsLoaded(needed);
  useEffect(() => {
    if (widgetsReady) return;
    let live = true;
    const settled = () => live && setWidgetsSettled(true);
    preloadWidgets(needed).then(settled, settled);
    return () => {
      live = false;
    };
  }, [needed, widgetsReady]);
  // The evaluator (with the decimal arithmetic) loads only for forms that have computed fields.
  const [evaluator, setEvaluator] = useState<Evaluator | null>(null);
  const hasComputed = computed.length > 0;
  const [data, setData] = useState<Data>(() => props.initialData ?? {});
  // biome-ignore lint/correctness/useExhaustiveDependencies: loaded once per form
  useEffect(() => {
    if (!hasComputed) return;
    let live = true;
    import('./computed.evaluator').then((m) => {
      if (!live) return;
      setEvaluator(m);
      setData((d) => m.applyComputed(computed, d));
    });
    return () => {
      live = false;
    };
  }, [hasComputed]);
  const applyComputed = (d: Data) => (evaluator ? evaluator.applyComputed(computed, d) : d);
  const [clientInvalid, setClientInvalid] = useState(false);
  const formRef = useRef<HTMLFormElement | null>(null);

  const holds = useCallback(
    (branch: Record<string, unknown>, value: unknown) =>
      validator.isValid(branch as RJSFSchema, value, schema as RJSFSchema),
    [validator, schema],
  );
  const hidden = useMemo(() => hiddenFields(schema, data, holds), [schema, data, holds]);
  const hiddenKey = [...hidden].sort().join('|');
  // biome-ignore lint/correctness/useExhaustiveDependencies: recomputed only when the hidden set changes
  const ui = useMemo(
    () =>
      uiWithState(
        uiSchema,
        hidden,
        computed.map((c) => c.pointer),
      ) as UiSchema,
    [uiSchema, hiddenKey, computed],
  );

  const standing = useMemo(
    () => (serverErrors.length ? stillStanding(serverErrors, refusedData, data) : []),
    [serverErrors, refusedData, data],
  );
  const extraErrors = useMemo(
    () => (standing.length ? (errorSchemaOf(standing) as ErrorSchema) : undefined),
    [standing],
  );
  const rootErrors = standing.filter((e) => pointerSegments(e.pointer).length === 0);

  // Move the keyboard to the first field the server refused, as rjsf does for its own errors.
  useEffect(() => {
    if (serverErrors.length === 0) return;
    const first = serverErrors.find((e) => pointerSegments(e.pointer).length > 0);
    if (!first) return;
    const id = [idPrefix, ...pointerSegments(first.pointer)].join('_');
    const el = formRef.current?.querySelector<HTMLElement>(`[id="${CSS.escape(id)}"]`);
    el?.focus();
  }, [serverErrors, idPrefix]);

  const stash = useRef(new Map<string, unknown>());
  // rjsf deep-compares its props on every render: stable handlers and children keep a keystroke
  // down to rjsf's own re-render (the 200-field bench measures this).
  const latest = useRef({ schema, holds, applyComputed, props });
  latest.current = { schema, holds, applyComputed, props };
  const onChange = useCallback((e: IChangeEvent<Data>) => {
    const { schema: s, holds: h, applyComputed: compute, props: p } = latest.current;
    const changed = e.formData ?? {};
    const next = compute(settleHidden(changed, hiddenFields(s, changed, h), stash.current));
    setData(next);
    setClientInvalid(false);
    p.onChange?.(next);
  }, []);
  const onSubmit = useCallback((e: IChangeEvent<Data>) => {
    const { schema: s, holds: h, applyComputed: compute, props: p } = latest.current;
    const submitted = pruneEmptyObjects(e.formData ?? {});
    p.onSubmit?.(compute(settleHidden(submitted, hiddenFields(s, submitted, h), new Map())));
  }, []);
  const onError = useCallback(() => setClientInvalid(true), []);
  const setFormRef = useCallback((instance: unknown) => {
    formRef.current =
      (instance as { formElement?: { current: HTMLFormElement | null } } | null)?.formElement?.current ??
      null;
  }, []);
  const formContext = useMemo(() => ({ uploadTo: props.uploadTo }), [props.uploadTo]);
  const hasSubmit = Boolean(props.onSubmit);
  const children = useMemo(
    () =>
      readOnly || !hasSubmit ? (
        <div />
      ) : (
        <div className="cf-sticky-actions">
          <Button type="primary" htmlType="submit" loading={props.busy}>
            {props.submitLabel ?? t('save')}
          </Button>
          {props.actions}
        </div>
      ),
    [readOnly, hasSubmit, props.busy, props.submitLabel, props.actions, t],
  );

  return (
    <div className="cf-form">
      {(standing.length > 0 || clientInvalid) && (
        <Alert
          type="error"
          showIcon
          role="alert"
          title={t('fixFields')}
          style={{ marginBottom: 12 }}
          data-testid="form-errors"
        />
      )}
      {rootErrors.map((e) => (
        <Alert key={e.message} type="error" showIcon title={e.message} style={{ marginBottom: 12 }} />
      ))}
      {!widgetsReady ? (
        <Spin size="small" />
      ) : (
        <ThemedForm
          ref={setFormRef}
          schema={schema as RJSFSchema}
          uiSchema={ui}
          formData={data}
          validator={validator}
          fields={FIELDS}
          formContext={formContext}
          idPrefix={idPrefix}
          onChange={onChange}
          onSubmit={onSubmit}
          onError={onError}
          extraErrors={extraErrors}
          extraErrorsBlockSubmit={false}
          showErrorList={false}
          focusOnFirstError
          noHtml5Validate
          // An optional object (a promise inside a contact attempt) stays absent until filled in,
          // instead of becoming {} and failing its own required fields.
          experimental_defaultFormStateBehavior={DEFAULTS}
          readonly={readOnly}
          disabled={props.busy}
        >
          {children}
        </ThemedForm>
      )}
    </div>
  );
}
