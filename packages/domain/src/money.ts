/**
 * Money is an integer number of fen (1 yuan = 100 fen) held in a `bigint`: never a float, so
 * sums of thousands of payroll lines stay exact.
 */

export class MoneyFormatError extends Error {
  readonly code = 'INVALID_AMOUNT';
  constructor(message: string) {
    super(message);
    this.name = 'MoneyFormatError';
  }
}

export interface ParseYuanOptions {
  /** Accept a leading minus sign (refunds, corrections). Default false. */
  allowNegative?: boolean;
}

export type ParseYuanResult = { ok: true; fen: bigint } | { ok: false; reason: string };

/** Digits with optional well-formed thousands commas, then up to two decimals. */
const AMOUNT_RE = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;

/**
 * Parses a yuan amount as people type it: '5200', '5200.5', '5200.50', ' 5200.00 ', '1,234.56',
 * '¥5200', '￥5200', '5200元'. Rejects more than two decimals, exponent notation, empty or
 * non-numeric text, and a negative amount unless `allowNegative`.
 */
export function tryParseYuan(s: string, options: ParseYuanOptions = {}): ParseYuanResult {
  const shown = JSON.stringify(s);
  let t = s.trim();
  let negative = false;
  if (t.startsWith('-')) {
    negative = true;
    t = t.slice(1).trimStart();
  }
  if (t.startsWith('¥') || t.startsWith('￥')) t = t.slice(1).trimStart();
  if (!negative && t.startsWith('-')) {
    negative = true;
    t = t.slice(1).trimStart();
  }
  if (t.endsWith('元')) t = t.slice(0, -1).trimEnd();
  if (t === '') return { ok: false, reason: `amount ${shown} is empty` };
  if (/[eE]/.test(t) && /\d/.test(t)) {
    return { ok: false, reason: `amount ${shown} uses exponent notation; write the digits out` };
  }
  const frac = /\.(\d+)$/.exec(t);
  if (frac?.[1] && frac[1].length > 2) {
    return { ok: false, reason: `amount ${shown} has more than two decimals (fen is the smallest unit)` };
  }
  const m = AMOUNT_RE.exec(t);
  if (!m?.[1]) return { ok: false, reason: `amount ${shown} is not a number of yuan` };
  if (negative && !options.allowNegative) {
    return { ok: false, reason: `amount ${shown} is negative` };
  }
  const yuan = BigInt(m[1].replaceAll(',', ''));
  const fen = yuan * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
  return { ok: true, fen: negative ? -fen : fen };
}

/** Like tryParseYuan, throwing MoneyFormatError with the reason. */
export function parseYuan(s: string, options: ParseYuanOptions = {}): bigint {
  const r = tryParseYuan(s, options);
  if (!r.ok) throw new MoneyFormatError(r.reason);
  return r.fen;
}

/** '5200.00', '-12.30': yuan with exactly two decimals, no thousands separator. */
export function formatFen(fen: bigint): string {
  const negative = fen < 0n;
  const abs = negative ? -fen : fen;
  const yuan = abs / 100n;
  const cents = abs % 100n;
  return `${negative ? '-' : ''}${yuan}.${cents.toString().padStart(2, '0')}`;
}

/**
 * A spreadsheet cell's number of yuan to fen. The number must have at most two decimals (within
 * 1e-9 yuan, the noise of binary floats such as 0.1 + 0.2); it is then rounded half away from zero.
 * Anything else (3 decimals, NaN, Infinity, beyond 2^53 fen) throws MoneyFormatError.
 */
export function yuanToFenFromNumber(n: number): bigint {
  if (!Number.isFinite(n)) throw new MoneyFormatError(`amount ${n} is not a finite number`);
  const scaled = n * 100;
  const rounded = Math.sign(scaled) * Math.round(Math.abs(scaled));
  // 1e-9 yuan = 1e-7 fen; large amounts get the float's own relative precision (1e-12) instead.
  if (Math.abs(scaled - rounded) > Math.max(1e-7, Math.abs(scaled) * 1e-12)) {
    throw new MoneyFormatError(`amount ${n} has more than two decimals (fen is the smallest unit)`);
  }
  if (!Number.isSafeInteger(rounded)) throw new MoneyFormatError(`amount ${n} is too large to be exact`);
  return BigInt(rounded === 0 ? 0 : rounded);
}

export function sumFen(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}

// Loops, not Math.min/Math.max: those take numbers and throw on bigint.
export function minFen(first: bigint, ...rest: bigint[]): bigint {
  let min = first;
  for (const v of rest) if (v < min) min = v;
  return min;
}

export function maxFen(first: bigint, ...rest: bigint[]): bigint {
  let max = first;
  for (const v of rest) if (v > max) max = v;
  return max;
}
