import { maskAccountNo, maskIdNumber, maskName, maskPhone } from '@wagewatch/domain';

const ID_KEYS = new Set(['idNumber', 'counterpartyIdNumber', 'id_number']);
const ACCOUNT_KEYS = new Set(['accountNo', 'counterpartyAccountNo', 'account_no']);
const NAME_KEYS = new Set(['workerName', 'counterpartyName', 'personName']);
/** A worker's phone to call back (欠薪线索): the first 3 and the last 4 digits kept. */
const PHONE_KEYS = new Set(['phone', 'callbackPhone']);
/**
 * Secrets never logged in any form (issue 12): passwords, session and CSRF tokens, cookies, the
 * stored hashes. Their values are replaced whole, wherever the key appears.
 */
const SECRET_KEYS = new Set([
  'password',
  'currentPassword',
  'newPassword',
  'passwordHash',
  'password_hash',
  'token',
  'token_hash',
  'csrfToken',
  'csrf_token',
  'cookie',
  'set-cookie',
  'x-csrf-token',
  'authorization',
]);
export const REDACTED = '[redacted]';

/**
 * Fields of a database error that carry the failed statement's values: node-postgres's `detail`
 * ("Key (id_number)=(…) already exists"), `where`, PGlite's `params` and `queryOptions`, and the
 * like. They are dropped from a logged error: a value there may be anyone's name, ID or card.
 */
const ERROR_VALUE_KEYS = new Set([
  'params',
  'parameters',
  'values',
  'queryOptions',
  'detail',
  'where',
  'internalQuery',
  'hint',
]);

/** An 18-character resident ID (17 digits and a check character) anywhere in a text. */
const RESIDENT_ID = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
/** A run of 16 or more digits (a bank card or account number). */
const LONG_DIGITS = /(?<!\d)\d{16,}(?!\d)/g;
/** A mainland mobile number (11 digits from 13 to 19) standing alone in a text. */
const MOBILE = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/g;
/** A session cookie's value in a text (a Cookie or Set-Cookie header written out). */
const SESSION_COOKIE_VALUE = /(ww_session=)[^;\s"',]+/g;

/**
 * Masks resident IDs and card/account numbers in free text (an error message, a stack, a
 * whole log line): whatever key or message they hide in, only the area code and last 4 remain.
 */
export function maskText(s: string): string {
  return s
    .replace(RESIDENT_ID, (m) => maskIdNumber(m))
    .replace(LONG_DIGITS, (m) => maskAccountNo(m))
    .replace(MOBILE, (m) => maskPhone(m))
    .replace(SESSION_COOKIE_VALUE, `$1${REDACTED}`);
}

/**
 * An error as a plain, loggable object: type, message, code, stack and the error's own fields,
 * with the fields that carry a statement's values dropped (ERROR_VALUE_KEYS), every text masked,
 * and its cause (and an AggregateError's errors) treated the same way.
 */
export function maskError(err: Error, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: err.constructor?.name ?? err.name,
    message: maskText(err.message),
  };
  for (const [k, v] of Object.entries(err)) {
    if (ERROR_VALUE_KEYS.has(k) || k === 'cause' || k === 'errors') continue;
    out[k] = maskPersonalData(v, false, depth + 1);
  }
  if (typeof err.stack === 'string') out.stack = maskText(err.stack);
  if (err.cause !== undefined && depth < 8) out.cause = maskPersonalData(err.cause, false, depth + 1);
  if (err instanceof AggregateError && depth < 8)
    out.errors = err.errors.map((e) => maskPersonalData(e, false, depth + 1));
  return out;
}

/**
 * Masks personal data (ID numbers, account numbers, people's names) anywhere in a log record.
 * A `name` key is masked inside a `worker`/`workers`/`lines` object, where it is a person's.
 * Errors become plain objects (maskError); every other text is masked for IDs and card numbers.
 */
export function maskPersonalData(value: unknown, personContext = false, depth = 0): unknown {
  if (typeof value === 'string') return maskText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return maskError(value, depth);
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => maskPersonalData(v, personContext, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_KEYS.has(k)) out[k] = REDACTED;
    else if (typeof v === 'string' && ID_KEYS.has(k)) out[k] = maskIdNumber(v);
    else if (typeof v === 'string' && ACCOUNT_KEYS.has(k)) out[k] = maskAccountNo(v);
    else if (typeof v === 'string' && PHONE_KEYS.has(k)) out[k] = maskPhone(v);
    else if (typeof v === 'string' && (NAME_KEYS.has(k) || (personContext && k === 'name')))
      out[k] = maskName(v);
    else
      out[k] = maskPersonalData(
        v,
        personContext || k === 'worker' || k === 'workers' || k === 'lines',
        depth + 1,
      );
  }
  return out;
}
