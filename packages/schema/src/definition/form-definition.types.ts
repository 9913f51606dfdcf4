/** A form as the registry stores it: one immutable version per (key, version). */

export type Locale = 'zh-CN' | 'en';

export type LocalizedText = { 'zh-CN': string; en: string };

export type ComputedFieldType = 'number' | 'money' | 'string' | 'boolean';

export interface ComputedField {
  /** Data pointer the result is written to, e.g. '/balance'. */
  pointer: string;
  /** A filtrex expression over the form's fields, e.g. 'principal + interest + fees - paid'. */
  expression: string;
  type: ComputedFieldType;
  /** Decimal places kept for 'money' results (half-up rounding); defaults to 2. */
  scale?: number;
}

export interface FormMetadata {
  /** Data pointers of personal data (masked in logs and exports), e.g. '/idNumber'. */
  sensitive: string[];
  /** Data pointers the store indexes for queries. */
  indexed: string[];
  computed: ComputedField[];
}

/** A JSON Schema document; kept loose on purpose because users author it. */
export type JsonSchema = Record<string, unknown> | boolean;

export interface FormDefinition {
  key: string;
  title: LocalizedText;
  schema: Record<string, unknown>;
  uiSchema: Record<string, unknown>;
  metadata: FormMetadata;
}

/** One finding about a definition or a schema: data, never an exception. */
export interface SchemaProblem {
  pointer: string;
  code: string;
  message: string;
}
