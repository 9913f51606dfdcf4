import { type DomainErrorKind, isDomainError, type ProblemDetailItem } from '@collectflow/schema';

/** RFC 9457 problem details, with our stable `code` and, for validation, field-level `errors`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  hint?: string;
  errors?: ProblemDetailItem[];
  instance?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  invalid: 422,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unauthenticated: 401,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(status: number, code: string, detail: string, extra: Partial<Problem> = {}): Problem {
  return {
    type: `https://collectflow.dev/problems/${code.replaceAll('.', '/')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...extra,
  };
}

/** An error raised by the HTTP layer itself (bad JSON, unknown route...). */
export class HttpProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.name = 'HttpProblem';
  }
}

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
  message?: string;
  limit?: number;
}

/**
 * The one place where anything thrown becomes a problem document. Unexpected errors keep
 * their details in the log, never in the response.
 */
export function toProblem(error: unknown): { problem: Problem; unexpected: boolean } {
  if (error instanceof HttpProblem) return { problem: error.problem, unexpected: false };
  if (isDomainError(error)) {
    const status = STATUS_BY_KIND[error.kind];
    return {
      problem: problem(status, error.code, error.message, {
        ...(error.hint ? { hint: error.hint } : {}),
        ...(error.errors ? { errors: error.errors } : {}),
      }),
      unexpected: status >= 500 && error.kind === 'internal',
    };
  }
  const parserError = error as BodyParserError;
  switch (parserError?.type) {
    case 'entity.parse.failed':
      return {
        problem: problem(400, 'request.invalid_json', 'the request body is not valid JSON'),
        unexpected: false,
      };
    case 'entity.too.large':
      return {
        problem: problem(
          413,
          'request.too_large',
          `the request body is larger than ${parserError.limit} bytes`,
        ),
        unexpected: false,
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return {
        problem: problem(415, 'request.unsupported_encoding', parserError.message ?? 'unsupported encoding'),
        unexpected: false,
      };
  }
  return {
    problem: problem(500, 'internal', 'an unexpected error occurred; it has been logged'),
    unexpected: true,
  };
}
