import type { Problem } from './types.ts';

/**
 * The console's one way to the API: same-origin fetch with the session cookie, the CSRF token on
 * every state-changing request, RFC 7807 problems turned into an {@link ApiError}. A 401 or 403
 * is handed to the hooks the router installs (→ login page, → 无权访问 page).
 */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
  /** The problem's code: the last part of its type (`urn:wagewatch:problem:<code>`). */
  get code(): string {
    return this.problem.type.split(':').pop() ?? '';
  }
}

type Hooks = { unauthorized?: () => void; forbidden?: (problem: Problem) => void };

let csrfToken: string | undefined;
const hooks: Hooks = {};

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export function onAuthProblems(h: Hooks): void {
  Object.assign(hooks, h);
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

export type RequestOptions = {
  query?: Query;
  body?: unknown;
  /** Leave 401/403 to the caller (the login form shows its own message). */
  quiet?: boolean;
};

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(method);
  if (unsafe && csrfToken) headers['x-csrf-token'] = csrfToken;
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const res = await fetch(withQuery(path, options.query), {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body }),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const problem = toProblem(res.status, parsed, text);
    if (!options.quiet && res.status === 401) hooks.unauthorized?.();
    if (!options.quiet && res.status === 403) hooks.forbidden?.(problem);
    throw new ApiError(problem);
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string, query?: Query, options: Omit<RequestOptions, 'query'> = {}) =>
    request<T>('GET', path, { ...options, ...(query ? { query } : {}) }),
  post: <T>(path: string, body?: unknown, options: RequestOptions = {}) =>
    request<T>('POST', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options: RequestOptions = {}) =>
    request<T>('PATCH', path, { ...options, body }),
  delete: <T>(path: string, options: RequestOptions = {}) => request<T>('DELETE', path, options),
};

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toProblem(status: number, parsed: unknown, text: string): Problem {
  if (parsed && typeof parsed === 'object' && 'title' in parsed) return parsed as Problem;
  return { type: 'about:blank', title: `HTTP ${status}`, status, detail: text.slice(0, 200) };
}

/** A problem as lines a person reads: its detail, then each `errors[]` entry with row and field. */
export function problemLines(problem: Problem, t: (key: string, values?: Record<string, unknown>) => string) {
  const lines = [problem.detail || problem.title];
  for (const e of problem.errors ?? [])
    lines.push(
      e.row !== undefined
        ? t('problem.rowField', { row: e.row, field: e.field, message: e.message })
        : t('problem.field', { field: e.field, message: e.message }),
    );
  if (problem.totalErrors && problem.errors && problem.totalErrors > problem.errors.length)
    lines.push(t('problem.more', { n: problem.totalErrors - problem.errors.length }));
  return lines;
}

/** Any error as lines a person reads: a problem's (problemLines), or the error's message. */
export function errorLines(
  err: unknown,
  t: (key: string, values?: Record<string, unknown>) => string,
): string[] {
  return err instanceof ApiError ? problemLines(err.problem, t) : [(err as Error).message];
}
