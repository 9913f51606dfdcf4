/** One field problem of a problem+json body: a JSON pointer into the data and a message. */
export interface ProblemItem {
  pointer: string;
  keyword?: string;
  code?: string;
  message: string;
}

/** An RFC 9457 problem as the server sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code: string;
  hint?: string;
  errors?: ProblemItem[];
}

/** A problem+json error from the API, with its stable code. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail ?? problem.title ?? problem.code);
    this.status = problem.status;
    this.code = problem.code;
    this.problem = problem;
  }

  get errors(): ProblemItem[] {
    return this.problem.errors ?? [];
  }
}

/**
 * Session details every request needs: the CSRF token echoed on writes (the session cookie itself
 * is HttpOnly and travels on its own), the UI language for localized server messages, and who to
 * tell when the session is gone.
 */
const session = {
  csrfToken: null as string | null,
  locale: 'zh-CN',
  onUnauthenticated: (() => {}) as () => void,
};

export function setCsrfToken(token: string | null): void {
  session.csrfToken = token;
}

export function setRequestLocale(locale: string): void {
  session.locale = locale;
}

export function onUnauthenticated(listener: () => void): void {
  session.onUnauthenticated = listener;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RequestOptions {
  method?: string;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Do not report a 401 as a lost session (the login form's own failures). */
  quiet401?: boolean;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = (options.method ?? (options.json !== undefined ? 'POST' : 'GET')).toUpperCase();
  const headers: Record<string, string> = {
    accept: 'application/json, application/problem+json',
    'accept-language': session.locale,
    ...options.headers,
  };
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  if (WRITES.has(method) && session.csrfToken) headers['x-csrf-token'] = session.csrfToken;
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (options.json !== undefined) init.body = JSON.stringify(options.json);
  else if (options.body !== undefined) init.body = options.body;
  if (options.signal) init.signal = options.signal;
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError({ status: 0, code: 'network.unreachable', detail: (error as Error).message });
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as Partial<Problem> | null;
    const problem: Problem = {
      ...(body ?? {}),
      status: res.status,
      code: body?.code ?? `http.${res.status}`,
      detail: body?.detail ?? res.statusText,
    };
    if (res.status === 401 && !options.quiet401) session.onUnauthenticated();
    throw new ApiError(problem);
  }
  return res;
}

/** JSON from the API; throws ApiError with the problem on any non-2xx answer. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await send(path, options);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** The raw response (CSV downloads). */
export async function apiRaw(path: string, options: RequestOptions = {}): Promise<Response> {
  return send(path, options);
}

/**
 * Downloads a file the API makes (CSV exports) under the name its content-disposition gives,
 * through fetch rather than a link so that a refusal shows as an error instead of a JSON page.
 * Returns the response's headers (e.g. whether an export was truncated).
 */
export async function downloadFile(
  path: string,
  fallbackName: string,
  accept = 'text/csv',
): Promise<Headers> {
  const res = await send(path, { headers: { accept } });
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return res.headers;
}

/** Kept for the start page: GET without the session machinery. */
export async function getJson<T>(path: string): Promise<T> {
  return api<T>(path);
}

export function query(params: Record<string, string | number | boolean | undefined | string[]>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) for (const v of value) search.append(key, v);
    else search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
