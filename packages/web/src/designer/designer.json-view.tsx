import { Alert, Button, Input, Space, Switch, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useLocale } from '../i18n/locale.context';
import { type DefinitionProblem, designerApi } from './designer.api';
import { type FormDefinitionLike, isObject } from './designer.model';

const PARTS = ['key', 'title', 'schema', 'uiSchema', 'metadata'] as const;

export type JsonCheck =
  | { ok: true; definition: FormDefinitionLike }
  | { ok: false; kind: 'syntax'; message: string; line?: number; column?: number }
  | { ok: false; kind: 'shape'; missing: string[] }
  | { ok: false; kind: 'key' };

/** Where JSON.parse stopped, as line and column (V8 says "at position N" or "line L column C"). */
function position(text: string, message: string): { line?: number; column?: number } {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const at = /position (\d+)/.exec(message);
  if (!at) return {};
  const before = text.slice(0, Number(at[1]));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** The typed text as a definition of this form, or what is wrong with it. */
export function checkJson(text: string, key: string): JsonCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    return { ok: false, kind: 'syntax', message, ...position(text, message) };
  }
  if (!isObject(parsed)) return { ok: false, kind: 'shape', missing: [...PARTS] };
  const missing = PARTS.filter((p) => (p === 'key' ? typeof parsed[p] !== 'string' : !isObject(parsed[p])));
  const metadata = parsed.metadata;
  if (isObject(metadata)) {
    for (const list of ['sensitive', 'indexed', 'computed'])
      if (!Array.isArray(metadata[list])) missing.push(`metadata.${list}` as never);
  }
  if (missing.length > 0) return { ok: false, kind: 'shape', missing };
  if (parsed.key !== key) return { ok: false, kind: 'key' };
  return { ok: true, definition: parsed as unknown as FormDefinitionLike };
}

/** The definition as JSON: read-only, or edited directly and checked while typing. */
export function JsonView({
  definition,
  onApply,
}: {
  definition: FormDefinitionLike;
  onApply(definition: FormDefinitionLike): void;
}) {
  const { t } = useLocale();
  const current = JSON.stringify(definition, null, 2);
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(current);
  const [problems, setProblems] = useState<DefinitionProblem[] | null>(null);
  const ticket = useRef(0);
  useEffect(() => {
    if (!editing) setText(current);
  }, [current, editing]);

  const check = useMemo(
    () => (editing ? checkJson(text, definition.key) : null),
    [editing, text, definition.key],
  );
  // The server's definition checks (meta-schema, strict mode, patterns), a moment after typing stops.
  const candidate = check?.ok ? check.definition : null;
  useEffect(() => {
    if (!candidate) {
      setProblems(null);
      return;
    }
    const mine = ++ticket.current;
    const timer = setTimeout(() => {
      designerApi.check(candidate).then(
        (r) => mine === ticket.current && setProblems(r.problems),
        () => mine === ticket.current && setProblems(null),
      );
    }, 400);
    return () => clearTimeout(timer);
  }, [candidate]);

  const errors = problems?.filter((p) => p.severity === 'error') ?? [];
  return (
    <div className="cf-dz-json">
      <Space style={{ marginBottom: 8 }} wrap>
        <Switch
          checked={editing}
          data-testid="json-edit"
          onChange={(on) => {
            setEditing(on);
            setText(current);
          }}
        />
        <span>{t('dzJsonEdit')}</span>
        {!editing && <Typography.Text type="secondary">{t('dzJsonReadOnly')}</Typography.Text>}
        {editing && (
          <Button
            type="primary"
            size="small"
            disabled={!check?.ok || errors.length > 0}
            data-testid="json-apply"
            onClick={() => {
              if (check?.ok) {
                onApply(check.definition);
                setEditing(false);
              }
            }}
          >
            {t('dzJsonApply')}
          </Button>
        )}
      </Space>
      {check && !check.ok && (
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="json-error"
          style={{ marginBottom: 8 }}
          title={
            check.kind === 'syntax'
              ? t('dzJsonInvalid', {
                  message: check.line ? `${check.message} (${check.line}:${check.column})` : check.message,
                })
              : check.kind === 'shape'
                ? t('dzJsonShape', { parts: check.missing.join(', ') })
                : t('dzJsonKeyFixed')
          }
        />
      )}
      {check?.ok && errors.length > 0 && (
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="json-error"
          style={{ marginBottom: 8 }}
          title={t('dzJsonProblems')}
          description={
            <ul className="cf-dz-problems">
              {errors.map((p) => (
                <li key={`${p.pointer}|${p.code}`}>
                  <code>{p.pointer || '/'}</code> {p.message}
                </li>
              ))}
            </ul>
          }
        />
      )}
      {check?.ok && problems && errors.length === 0 && (
        <Alert type="success" showIcon style={{ marginBottom: 8 }} title={t('dzJsonValid')} />
      )}
      <Input.TextArea
        value={editing ? text : current}
        readOnly={!editing}
        spellCheck={false}
        data-testid="json-text"
        className="cf-dz-json-text"
        status={check && !check.ok ? 'error' : undefined}
        onChange={(e) => setText(e.target.value)}
        autoSize={{ minRows: 20, maxRows: 40 }}
      />
    </div>
  );
}
