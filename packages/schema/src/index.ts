export { DomainError, isDomainError } from './errors/domain.error.js';
export type { DomainErrorKind, ProblemDetailItem } from './errors/domain.error.js';
