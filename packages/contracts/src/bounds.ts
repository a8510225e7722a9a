import { z } from 'zod';

/**
 * What every consumer can hold and apply, declared once. The intake checks each row against
 * these bounds (with its own row- and field-named messages) and then against the very schemas
 * below, so what ingest acknowledges every consumer can apply (docs/adr/0011).
 *
 * Amounts: at most 13 integer digits of yuan. That is 999,999,999,999,999 fen, below 2^53
 * (a conversion to a JavaScript number stays exact) and far below PostgreSQL's bigint, so sums
 * of thousands of such amounts still fit the columns (`bigint` fen) the services keep them in.
 */
export const AMOUNT_MAX_INTEGER_DIGITS = 13;
export const MAX_AMOUNT_FEN = 999_999_999_999_999n;
export const MAX_AMOUNT_YUAN = '9999999999999.99';

/** Counts (a statement's number of debits and credits): what a PostgreSQL `integer` holds. */
export const MAX_COUNT = 2_147_483_647;

/** Calendar dates (and the Shanghai date of instants) the services accept: a fixed window, never "today". */
export const DATE_WINDOW = { from: '2000-01-01', to: '2099-12-31' } as const;

/** Longest text per kind of field, in characters (UTF-16 code units, as PostgreSQL `text` and JSON hold them). */
export const TEXT_LIMITS = {
  /** A bank's own reference (bankRef, originalBankRef), a guarantee or payment-notice number. */
  reference: 64,
  /** An account number as reported by a bank for the counterparty (not always a card). */
  counterpartyAccount: 64,
  /** A person's name on a roster or a payroll sheet. */
  personName: 50,
  /** An organisation's or a counterparty's name. */
  partyName: 200,
  /** A bank's code (ICBC-PZH), a team, a district. */
  code: 20,
  team: 50,
  district: 50,
  /** Free text a bank adds to a transfer (用途). */
  purpose: 64,
  /** The issuer of a guarantee. */
  issuer: 100,
  projectId: 64,
  projectName: 200,
  accountNo: 40,
} as const;

// A lone surrogate: a high one not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a text cannot be stored, or undefined. PostgreSQL's `text` and `jsonb` refuse NUL
 * characters and JSON's lone surrogate escapes (\ud800): such a value would fail every insert.
 */
export function textProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(s)) return 'contains a lone surrogate (not valid Unicode)';
  return undefined;
}

/** Text of 1..max characters that every database column and JSON document can hold. */
export function boundedText(max: number) {
  return (
    z
      .string()
      .min(1, 'is required')
      // UTF-16 units, as the intake counts (zod's max counts code points).
      .refine((s) => s.length <= max, `is longer than ${max} characters`)
      .superRefine((s, ctx) => {
        const p = textProblem(s);
        if (p) ctx.addIssue({ code: 'custom', message: p });
      })
  );
}

/** Is `s` a real calendar date YYYY-MM-DD? */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() + 1 === Number(m[2]);
}

/** Why a date YYYY-MM-DD is outside DATE_WINDOW, or undefined. */
export function dateWindowProblem(date: string): string | undefined {
  return date < DATE_WINDOW.from || date > DATE_WINDOW.to
    ? `${date} is outside the accepted dates ${DATE_WINDOW.from} to ${DATE_WINDOW.to}`
    : undefined;
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
/** The Shanghai calendar date of an ISO instant (Asia/Shanghai has no daylight saving: UTC+8). */
export function shanghaiDateOfInstant(iso: string): string {
  return new Date(Date.parse(iso) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** A calendar date a record may carry: YYYY-MM-DD, a real date, inside DATE_WINDOW. */
export const recordDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(isCalendarDate, 'is not a calendar date')
  .superRefine((s, ctx) => {
    const p = dateWindowProblem(s);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

/** An instant a record may carry: ISO 8601 with an offset, its Shanghai date inside DATE_WINDOW. */
export const recordInstant = z.iso.datetime({ offset: true }).superRefine((s, ctx) => {
  const p = dateWindowProblem(shanghaiDateOfInstant(s));
  if (p) ctx.addIssue({ code: 'custom', message: p });
});
