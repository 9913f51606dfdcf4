import type { Locale } from '../definition/form-definition.types.js';

type Params = Record<string, string | number>;
type Template = Record<Locale, (p: Params) => string>;

/**
 * Every user-facing message of this package, keyed by the stable code it goes with, in both
 * languages the product ships. Messages are built here and nowhere else so a missing
 * translation is a type error rather than a surprise in production.
 */
const MESSAGES = {
  'definition.invalid': {
    en: (p) => `Definition ${p.detail}`,
    'zh-CN': (p) => `表单定义不合法：${p.detail}`,
  },
  'definition.invalid_key': {
    en: () => 'The key must be 2-63 characters: a lowercase letter, then lowercase letters, digits or "-"',
    'zh-CN': () => '表单标识必须为 2-63 个字符：以小写字母开头，其后为小写字母、数字或“-”',
  },
  'schema.not_object': {
    en: () => 'The schema must be a JSON object',
    'zh-CN': () => 'schema 必须是 JSON 对象',
  },
  'schema.too_large': {
    en: (p) => `The schema is too large: ${p.detail}`,
    'zh-CN': (p) => `schema 过大：${p.detail}`,
  },
  'schema.unsupported_draft': {
    en: (p) => `Unsupported $schema "${p.value}"; use JSON Schema 2020-12 or draft-07`,
    'zh-CN': (p) => `不支持的 $schema "${p.value}"；请使用 JSON Schema 2020-12 或 draft-07`,
  },
  'schema.meta': {
    en: (p) => `Not a valid JSON Schema: ${p.detail}`,
    'zh-CN': (p) => `不是合法的 JSON Schema：${p.detail}`,
  },
  'schema.strict': {
    en: (p) => `Strict mode: ${p.detail}`,
    'zh-CN': (p) => `严格模式问题：${p.detail}`,
  },
  'schema.unknown_keyword': {
    en: (p) => `Unknown keyword "${p.keyword}" (a typo? vendor extensions must start with "x-")`,
    'zh-CN': (p) => `未知关键字“${p.keyword}”（拼写错误？自定义扩展须以“x-”开头）`,
  },
  'schema.unknown_format': {
    en: (p) => `Unknown format "${p.format}"`,
    'zh-CN': (p) => `未知的格式“${p.format}”`,
  },
  'schema.unresolved_ref': {
    en: (p) => `Cannot resolve $ref "${p.ref}"${p.detail ? `: ${p.detail}` : ''}`,
    'zh-CN': (p) => `无法解析 $ref“${p.ref}”${p.detail ? `：${p.detail}` : ''}`,
  },
  'schema.ref_draft_mismatch': {
    en: (p) => `$ref "${p.ref}" points to a form written in another JSON Schema draft`,
    'zh-CN': (p) => `$ref“${p.ref}”引用的表单使用了不同的 JSON Schema 版本`,
  },
  'schema.ref_cycle': {
    en: (p) => `$ref cycle that never reaches a smaller part of the data: ${p.path}`,
    'zh-CN': (p) => `$ref 存在无法终止的循环引用：${p.path}`,
  },
  'schema.bad_pattern': {
    en: (p) => `Pattern "${p.pattern}" is not a valid regular expression with the u flag: ${p.detail}`,
    'zh-CN': (p) => `正则表达式“${p.pattern}”无效（u 标志）：${p.detail}`,
  },
  'schema.unsafe_pattern': {
    en: (p) => `Pattern "${p.pattern}" may take exponential time (nested quantifiers); rewrite it`,
    'zh-CN': (p) => `正则表达式“${p.pattern}”可能导致灾难性回溯（嵌套量词），请改写`,
  },
  'schema.compile': {
    en: (p) => `The schema cannot be compiled: ${p.detail}`,
    'zh-CN': (p) => `schema 无法编译：${p.detail}`,
  },
  'metadata.unknown_pointer': {
    en: (p) => `"${p.target}" is not a field of the schema`,
    'zh-CN': (p) => `“${p.target}”不是 schema 中的字段`,
  },
  'metadata.duplicate_pointer': {
    en: (p) => `"${p.target}" has more than one computed definition`,
    'zh-CN': (p) => `“${p.target}”被定义了多个计算公式`,
  },
  'computed.bad_expression': {
    en: (p) => `The expression does not parse: ${p.detail}`,
    'zh-CN': (p) => `计算表达式无法解析：${p.detail}`,
  },
  'computed.unknown_field': {
    en: (p) => `The expression uses "${p.name}", which is not a field of the schema`,
    'zh-CN': (p) => `计算表达式引用了不存在的字段“${p.name}”`,
  },
  'computed.unknown_function': {
    en: (p) => `The expression calls unknown function "${p.name}"`,
    'zh-CN': (p) => `计算表达式调用了未知函数“${p.name}”`,
  },
  'computed.cycle': {
    en: (p) => `Computed fields depend on each other in a cycle: ${p.path}`,
    'zh-CN': (p) => `计算字段之间存在循环依赖：${p.path}`,
  },
  'computed.evaluation_failed': {
    en: (p) => `Could not compute this field: ${p.detail}`,
    'zh-CN': (p) => `无法计算该字段：${p.detail}`,
  },
  'computed.type_mismatch': {
    en: (p) => `A ${p.type} computed field needs a schema of type ${p.expected}`,
    'zh-CN': (p) => `${p.type} 类型的计算字段要求 schema 类型为 ${p.expected}`,
  },
  // Compatibility report.
  'compat.field_removed': {
    en: (p) => `Field "${p.field}" was removed`,
    'zh-CN': (p) => `字段“${p.field}”被删除`,
  },
  'compat.field_added': {
    en: (p) => `Optional field "${p.field}" was added`,
    'zh-CN': (p) => `新增可选字段“${p.field}”`,
  },
  'compat.required_added': {
    en: (p) => `Field "${p.field}" became required without a default`,
    'zh-CN': (p) => `字段“${p.field}”变为必填且没有默认值`,
  },
  'compat.required_added_with_default': {
    en: (p) => `Field "${p.field}" became required; old data gets its default`,
    'zh-CN': (p) => `字段“${p.field}”变为必填，旧数据使用默认值`,
  },
  'compat.required_removed': {
    en: (p) => `Field "${p.field}" is no longer required`,
    'zh-CN': (p) => `字段“${p.field}”不再必填`,
  },
  'compat.type_narrowed': {
    en: (p) => `Type changed from ${p.from} to ${p.to}`,
    'zh-CN': (p) => `类型由 ${p.from} 变为 ${p.to}`,
  },
  'compat.type_widened': {
    en: (p) => `Type widened from ${p.from} to ${p.to}`,
    'zh-CN': (p) => `类型由 ${p.from} 放宽为 ${p.to}`,
  },
  'compat.enum_value_removed': {
    en: (p) => `Allowed value ${p.value} was removed`,
    'zh-CN': (p) => `可选值 ${p.value} 被删除`,
  },
  'compat.enum_value_added': {
    en: (p) => `Allowed value ${p.value} was added`,
    'zh-CN': (p) => `新增可选值 ${p.value}`,
  },
  'compat.enum_added': {
    en: () => 'The field is now restricted to a list of values',
    'zh-CN': () => '字段现在只允许列表中的值',
  },
  'compat.enum_removed': {
    en: () => 'The field is no longer restricted to a list of values',
    'zh-CN': () => '字段不再限制为列表中的值',
  },
  'compat.const_changed': {
    en: (p) => `The fixed value changed from ${p.from} to ${p.to}`,
    'zh-CN': (p) => `固定值由 ${p.from} 变为 ${p.to}`,
  },
  'compat.pattern_changed': {
    en: (p) => `Pattern changed from ${p.from} to ${p.to}`,
    'zh-CN': (p) => `正则表达式由 ${p.from} 变为 ${p.to}`,
  },
  'compat.pattern_removed': {
    en: (p) => `Pattern ${p.from} was removed`,
    'zh-CN': (p) => `正则表达式 ${p.from} 被删除`,
  },
  'compat.constraint_tightened': {
    en: (p) => `${p.keyword} tightened from ${p.from} to ${p.to}`,
    'zh-CN': (p) => `${p.keyword} 由 ${p.from} 收紧为 ${p.to}`,
  },
  'compat.constraint_relaxed': {
    en: (p) => `${p.keyword} relaxed from ${p.from} to ${p.to}`,
    'zh-CN': (p) => `${p.keyword} 由 ${p.from} 放宽为 ${p.to}`,
  },
  'compat.additional_properties_closed': {
    en: () => 'Additional properties are no longer allowed',
    'zh-CN': () => '不再允许额外属性',
  },
  'compat.additional_properties_opened': {
    en: () => 'Additional properties are now allowed',
    'zh-CN': () => '现在允许额外属性',
  },
  'compat.format_added': {
    en: (p) => `Format "${p.to}" was added`,
    'zh-CN': (p) => `新增格式校验“${p.to}”`,
  },
  'compat.format_changed': {
    en: (p) => `Format changed from "${p.from}" to "${p.to}"`,
    'zh-CN': (p) => `格式由“${p.from}”变为“${p.to}”`,
  },
  'compat.format_removed': {
    en: (p) => `Format "${p.from}" was removed`,
    'zh-CN': (p) => `格式“${p.from}”被删除`,
  },
  'compat.annotation_changed': {
    en: (p) => `${p.keyword} changed`,
    'zh-CN': (p) => `${p.keyword} 已修改`,
  },
  'compat.schema_changed': {
    en: (p) => `The ${p.keyword} subschemas changed and cannot be compared precisely`,
    'zh-CN': (p) => `${p.keyword} 子 schema 已修改，无法精确比较`,
  },
} satisfies Record<string, Template>;

export type MessageCode = keyof typeof MESSAGES;

export function formatMessage(code: MessageCode, locale: Locale, params: Params = {}): string {
  return MESSAGES[code][locale](params);
}
