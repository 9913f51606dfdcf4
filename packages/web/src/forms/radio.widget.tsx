import {
  ariaDescribedByIds,
  enumOptionSelectedValue,
  enumOptionValueDecoder,
  enumOptionValueEncoder,
  getOptionValueFormat,
  optionId,
  type WidgetProps,
} from '@rjsf/utils';
// antd's Radio without Radio.Group: the group imports a helper from antd's Form hooks, which
// brings rc-form's form store and scroll-into-view onto every form (about 18 KB). Radios that
// share a name are a group to the browser already (arrow keys move between them).
import Radio from 'antd/es/radio/radio';

/** @rjsf/antd's RadioWidget, with the same ids, names, values and events. */
export function RadioWidget({
  autofocus,
  disabled,
  registry,
  id,
  htmlName,
  onBlur,
  onChange,
  onFocus,
  options,
  readonly,
  value,
}: WidgetProps) {
  const { readonlyAsDisabled = true } = (registry.formContext ?? {}) as { readonlyAsDisabled?: boolean };
  const { enumOptions, enumDisabled, emptyValue } = options;
  const format = getOptionValueFormat(options);
  const decode = (v: unknown) => enumOptionValueDecoder(v as string, enumOptions, format, emptyValue);
  const selected = enumOptionSelectedValue(value, enumOptions, false, format, emptyValue);
  const off = disabled || (readonlyAsDisabled && readonly);
  return (
    <div
      className="ant-radio-group ant-radio-group-outline"
      role="radiogroup"
      id={id}
      aria-describedby={ariaDescribedByIds(id)}
    >
      {(enumOptions ?? []).map((option, i) => {
        const encoded = enumOptionValueEncoder(option.value, i, format);
        return (
          <Radio
            key={String(option.value)}
            id={optionId(id, i)}
            name={htmlName || id}
            autoFocus={i === 0 ? autofocus : false}
            disabled={off || (Array.isArray(enumDisabled) && enumDisabled.includes(option.value))}
            value={encoded}
            checked={selected === encoded}
            onChange={readonly ? undefined : () => onChange(decode(encoded))}
            onBlur={readonly ? undefined : () => onBlur(id, decode(encoded))}
            onFocus={readonly ? undefined : () => onFocus(id, decode(encoded))}
          >
            {option.label}
          </Radio>
        );
      })}
    </div>
  );
}
