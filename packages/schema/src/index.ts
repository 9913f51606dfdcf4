export {
  type AjvFactoryOptions,
  type AjvInstance,
  createAjv,
  detectDraft,
  registerExtensionKeywords,
  type SchemaDraft,
} from './ajv/ajv.factory.js';
export {
  DOMAIN_FORMATS,
  isCnIdNumber,
  isCnMobile,
  isCurrencyCode,
  isDecimalString,
  isUscc,
} from './ajv/domain.formats.js';
export { checkDefinition, hasErrors } from './checks/definition.checks.js';
export {
  type CheckOptions,
  checkSchema,
  DEFAULT_SCHEMA_LIMITS,
  type DefinitionProblem,
  type ProblemSeverity,
  type SchemaCheckResult,
  type SchemaLimits,
} from './checks/schema.checks.js';
export { bundleFormRefs, generateTypes, typeNameFromKey } from './codegen/codegen.js';
export { type Change, type CompatibilityReport, compareVersions } from './compat/compatibility.report.js';
export {
  type ComputedEvaluation,
  evaluateComputed,
  evaluateComputedDetailed,
} from './computed/computed.fields.js';
export { EXPRESSION_FUNCTIONS } from './computed/expression.compiler.js';
export { resolveFieldSchemas } from './definition/field.resolver.js';
export { FORM_KEY_PATTERN, formDefinitionJsonSchema } from './definition/form-definition.schema.js';
export type {
  ComputedField,
  ComputedFieldType,
  FormDefinition,
  FormMetadata,
  JsonSchema,
  Locale,
  LocalizedText,
  SchemaProblem,
} from './definition/form-definition.types.js';
export type { DomainErrorKind, ProblemDetailItem } from './errors/domain.error.js';
export { DomainError, isDomainError } from './errors/domain.error.js';
export { localizeAjvErrors } from './i18n/ajv.localize.js';
export { localeFromAcceptLanguage } from './i18n/locale.negotiation.js';
export {
  FORM_REF_SCHEME,
  type FormRef,
  formRefUri,
  parseFormRef,
  type ResolveFormSchema,
} from './refs/form-ref.syntax.js';
export {
  type ValidationError,
  type ValidationResult,
  ValidatorCache,
  type ValidatorCacheOptions,
} from './validation/validator.cache.js';
