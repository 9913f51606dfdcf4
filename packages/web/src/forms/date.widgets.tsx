import { ariaDescribedByIds, type WidgetProps } from '@rjsf/utils';
import { Input } from 'antd';

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as the value of a datetime-local input, in the browser's zone. */
function toLocalInput(value: unknown): string {
  if (typeof value !== 'string' || !value) return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function common(props: WidgetProps) {
  const { id, disabled, readonly, registry, onBlur, onFocus, value, required } = props;
  const readonlyAsDisabled =
    (registry.formContext as { readonlyAsDisabled?: boolean } | undefined)?.readonlyAsDisabled ?? true;
  return {
    id,
    name: id,
    required,
    disabled: disabled || (readonlyAsDisabled && readonly),
    onBlur: () => onBlur(id, value),
    onFocus: () => onFocus(id, value),
    'aria-describedby': ariaDescribedByIds(id),
    style: { width: '100%', maxWidth: 260 },
  };
}

export function DateWidget(props: WidgetProps) {
  return (
    <Input
      {...common(props)}
      type="date"
      value={typeof props.value === 'string' ? props.value : ''}
      onChange={(e) => props.onChange(e.target.value || props.options.emptyValue)}
    />
  );
}

/** Shown and typed in local time; stored as an RFC 3339 instant (UTC), as the server expects. */
export function DateTimeWidget(props: WidgetProps) {
  return (
    <Input
      {...common(props)}
      type="datetime-local"
      value={toLocalInput(props.value)}
      onChange={(e) => {
        const local = e.target.value;
        const d = local ? new Date(local) : null;
        props.onChange(d && !Number.isNaN(d.getTime()) ? d.toISOString() : props.options.emptyValue);
      }}
    />
  );
}
