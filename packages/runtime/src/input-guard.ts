import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { ValidationError } from './errors.ts';

/**
 * Input no route can store or look up: a NUL character (PostgreSQL text cannot hold one) and a
 * lone UTF-16 surrogate (not a character: it has no UTF-8 encoding). Both used to reach the
 * database and come back as a 500 with a stack trace; they are a client's mistake, so they are
 * refused before validation with a 400 naming the field (`params.id`, `query.projectId`,
 * `body.reason`). Rows of a batch are left to the intake contracts, which refuse the row.
 */
/** With the `u` flag a surrogate pair is one code point: only an unpaired half matches. */
const LONE_SURROGATE = /\p{Cs}/u;

export function unstorableText(value: string): string | null {
  if (value.includes('\u0000')) return 'contains a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(value)) return 'contains a lone surrogate (not valid Unicode text)';
  return null;
}

type Issue = { row?: number; field: string; message: string };

/** Every string (keys included) of a parsed value that cannot be stored, with where it is. */
function findUnstorable(value: unknown, path: (string | number)[], out: Issue[]): void {
  if (out.length >= 20) return;
  if (typeof value === 'string') {
    const message = unstorableText(value);
    if (message) out.push(toIssue(path, message));
    return;
  }
  if (Array.isArray(value)) {
    // Rows of a batch (objects in an array) are the intake contract's to refuse, row by row,
    // keeping the good rows (packages/contracts bounds.ts; README "the good rows of a batch are
    // kept"): the guard leaves them alone. Lists of plain values are checked.
    if (path[0] === 'body' && value.some((v) => v !== null && typeof v === 'object')) return;
    for (const [i, v] of value.entries()) findUnstorable(v, [...path, i], out);
    return;
  }
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) {
      const message = unstorableText(k);
      if (message) out.push(toIssue([...path, '(key)'], message));
      findUnstorable(v, [...path, k], out);
    }
  }
}

/** `['body', 'records', 2, 'name']` → row 3 (1-based), field `name`, as the validation errors say. */
function toIssue(path: (string | number)[], message: string): Issue {
  const idx = path.findIndex((p) => typeof p === 'number');
  if (idx >= 0) {
    const field = path.slice(idx + 1).join('.') || path.slice(0, idx).join('.');
    return { row: (path[idx] as number) + 1, field, message };
  }
  return { field: path.join('.'), message };
}

/**
 * The absolute form of a request target (`GET http://host:port/v1/findings HTTP/1.1`, which
 * RFC 9112 §3.2.2 says a server must accept) is routed by its path: fastify's `req.url` would
 * otherwise keep the scheme and authority, so a `/v1` route would be reached without the
 * authentication that looks at `req.url`. Used as fastify's `rewriteUrl` (before routing).
 */
export function originFormUrl(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*(.*)$/s.exec(url);
  if (!m) return url;
  const rest = m[1] ?? '';
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** SQLSTATE class 22 ("data exception": invalid byte sequence, numeric out of range, …). */
const DATA_EXCEPTION = /^22[0-9A-Z]{3}$/;

/**
 * A database error that the request's own data caused (SQLSTATE class 22): a fallback for input
 * that got past validation. The status is 400; the detail names the kind of value, never the
 * value or the query (which may carry personal data).
 */
export function clientDataError(err: unknown): ValidationError | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !DATA_EXCEPTION.test(code)) return null;
  return new ValidationError(
    `a value in the request cannot be stored (database data exception ${code}); check text for NUL characters and numbers and dates for their range`,
    [{ field: 'request', message: `data exception ${code}` }],
  );
}

/**
 * The guard, a `preValidation` hook: NUL characters and lone surrogates in the decoded path
 * parameters, the query and a JSON body are refused with a 400 before validation (so before any
 * handler).
 */
export async function inputGuard(req: FastifyRequest): Promise<void> {
  const issues: Issue[] = [];
  findUnstorable(req.params, ['params'], issues);
  findUnstorable(req.query, ['query'], issues);
  findUnstorable(req.body, ['body'], issues);
  if (!issues.length) return;
  throw new ValidationError(
    issues.map((e) => `${e.row !== undefined ? `row ${e.row}: ` : ''}${e.field}: ${e.message}`).join('; '),
    issues,
  );
}

/**
 * One line, without a stack, for a request refused as the client's mistake (4xx): the stack of
 * a client's error says nothing about the server, and a line per bad request is enough.
 */
export function logRefusal(
  log: { info(obj: object, msg: string): void },
  status: number,
  code: string,
  fields: string[] = [],
): void {
  log.info({ status, code, ...(fields.length ? { fields } : {}) }, 'request refused');
}
