import {
  ADDITIONAL_PROPERTY_FLAG,
  buttonId,
  type FieldTemplateProps,
  getTemplate,
  getUiOptions,
  TranslatableString,
  type WrapIfAdditionalTemplateProps,
} from '@rjsf/utils';
import { Input } from 'antd';

/**
 * A field: its label (tied to the input by `for`), the input, its description and its errors,
 * which the input names in aria-describedby. antd's theme wraps each field in Form.Item, which
 * brings antd's whole form engine (and its async validator) to every form although rjsf does the
 * validating; this renders the same layout with a few CSS rules (app.css, .cf-field).
 */
export function FieldTemplate(props: FieldTemplateProps) {
  const {
    children,
    description,
    displayLabel,
    errors,
    help,
    rawHelp,
    hidden,
    id,
    label,
    rawErrors,
    rawDescription,
    registry,
    required,
    uiSchema,
    schema,
  } = props;
  const uiOptions = getUiOptions(uiSchema);
  const WrapIfAdditionalTemplate = getTemplate('WrapIfAdditionalTemplate', registry, uiOptions);
  if (hidden) return <div className="rjsf-field-hidden">{children}</div>;
  // A field an inactive if/then/else branch names: nothing at all, not even its description.
  if ((uiSchema as Record<string, unknown> | undefined)?.['ui:field'] === 'cfHidden') return null;
  const isCheckbox = uiOptions.widget === 'checkbox' || (schema.type === 'boolean' && !uiOptions.widget);
  const isGroup = schema.type === 'object' || schema.type === 'array';
  const showLabel = displayLabel && !isCheckbox && Boolean(label) && !isGroup;
  const invalid = (rawErrors?.length ?? 0) > 0;
  return (
    <WrapIfAdditionalTemplate {...props}>
      <div className={`cf-field${invalid ? ' cf-field-invalid' : ''}`}>
        {showLabel && (
          // The marker sits beside the label, not in it: the label's text is the field's name.
          <div className="cf-field-label">
            {required && (
              <span className="cf-required" aria-hidden="true">
                *
              </span>
            )}
            <label htmlFor={id}>{label}</label>
          </div>
        )}
        <div className="cf-field-control">{children}</div>
        {rawDescription && !isGroup && <div className="cf-field-description">{description}</div>}
        {invalid && <div className="cf-field-errors">{errors}</div>}
        {rawHelp && <div className="cf-field-help">{help}</div>}
      </div>
    </WrapIfAdditionalTemplate>
  );
}

/** Keys of free-form (additionalProperties) entries: a rename box and a remove button. */
export function WrapIfAdditionalTemplate(props: WrapIfAdditionalTemplateProps) {
  const {
    children,
    classNames,
    style,
    disabled,
    id,
    label,
    onRemoveProperty,
    onKeyRenameBlur,
    readonly,
    registry,
    schema,
    uiSchema,
  } = props;
  if (!(ADDITIONAL_PROPERTY_FLAG in schema))
    return (
      <div className={classNames} style={style}>
        {children}
      </div>
    );
  const { RemoveButton } = registry.templates.ButtonTemplates;
  const keyLabel = registry.translateString(TranslatableString.KeyLabel, [label]);
  return (
    <div className={classNames} style={{ ...style, display: 'flex', gap: 12, alignItems: 'flex-start' }}>
      <div className="cf-field" style={{ flex: 1 }}>
        <label className="cf-field-label" htmlFor={`${id}-key`}>
          {keyLabel}
        </label>
        <Input
          id={`${id}-key`}
          name={`${id}-key`}
          defaultValue={label}
          disabled={disabled || readonly}
          onBlur={!readonly ? onKeyRenameBlur : undefined}
        />
      </div>
      <div style={{ flex: 1 }}>{children}</div>
      <div style={{ marginTop: 30 }}>
        <RemoveButton
          id={buttonId(id, 'remove')}
          disabled={disabled || readonly}
          onClick={onRemoveProperty}
          uiSchema={uiSchema}
          registry={registry}
        />
      </div>
    </div>
  );
}
