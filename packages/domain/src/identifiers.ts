/**
 * Identifiers of people, employers and bank accounts, their check characters, and masking for
 * logs and API responses (resident IDs, card numbers and names are personal data).
 */
import { isLocalDate, type LocalDate } from './dates.ts';

export type IdentifierResult = { ok: true; value: string } | { ok: false; reason: string };

// ---------------------------------------------------------------------------------------------
// Resident ID (居民身份证号, GB 11643-1999): 6-digit area, 8-digit birth date, 3-digit sequence,
// ISO 7064 MOD 11-2 check character.

const RESIDENT_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const RESIDENT_CHECK_CHARS = '10X98765432';

function residentCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (RESIDENT_WEIGHTS[i] ?? 0);
  return RESIDENT_CHECK_CHARS[sum % 11] ?? '';
}

/** Whether 18 characters end in the MOD 11-2 check character of their first 17 digits. */
export function residentIdCheckCharOk(id: string): boolean {
  return /^\d{17}[\dXx]$/.test(id) && residentCheckChar(id.slice(0, 17)) === id[17]?.toUpperCase();
}

/** The full 18-character ID for 17 digits (for generators and tests). */
export function residentIdWithCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('a resident ID starts with 17 digits');
  return first17 + residentCheckChar(first17);
}

/**
 * Checks an 18-character resident ID: 17 digits and a check character (X accepted in either
 * case and returned upper-case), the MOD 11-2 check, and a real birth date from 1900 on, not
 * after `asOf` when given.
 */
export function validateResidentId(s: string, asOf?: LocalDate): IdentifierResult {
  const value = s.trim().toUpperCase();
  if (value.length !== 18) {
    const legacy = /^\d{15}$/.test(value)
      ? ' (a 15-digit ID is the pre-1999 format; ask for the 18-character one)'
      : '';
    return { ok: false, reason: `must be 18 characters (got ${value.length})${legacy}` };
  }
  if (!/^\d{17}[\dX]$/.test(value)) {
    return { ok: false, reason: 'must be 17 digits followed by a digit or X' };
  }
  const birth = value.slice(6, 14);
  const birthDate = `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`;
  if (!isLocalDate(birthDate)) return { ok: false, reason: `birth date ${birth} is not a date` };
  if (birthDate < '1900-01-01') return { ok: false, reason: `birth date ${birth} is before 1900` };
  if (asOf !== undefined && birthDate > asOf) {
    return { ok: false, reason: `birth date ${birth} is in the future` };
  }
  const expected = residentCheckChar(value.slice(0, 17));
  const actual = value.slice(17);
  if (expected !== actual) return { ok: false, reason: `check digit should be ${expected}, not ${actual}` };
  return { ok: true, value };
}

// ---------------------------------------------------------------------------------------------
// Unified social credit code (统一社会信用代码, GB 32100-2015).

/** The 31 characters a credit code is written in (no I, O, Z, S, V). */
export const CREDIT_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

function creditCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += CREDIT_CHARSET.indexOf(first17[i] ?? '') * (CREDIT_WEIGHTS[i] ?? 0);
  }
  const check = 31 - (sum % 31);
  return CREDIT_CHARSET[check === 31 ? 0 : check] ?? '';
}

function badCreditChar(s: string): string | undefined {
  return [...s].find((c) => !CREDIT_CHARSET.includes(c));
}

/** The full 18-character credit code for its first 17 characters (for generators and tests). */
export function creditCodeWithCheckCharacter(first17: string): string {
  const value = first17.trim().toUpperCase();
  if (value.length !== 17 || badCreditChar(value) !== undefined) {
    throw new RangeError(`a credit code starts with 17 characters of ${CREDIT_CHARSET}`);
  }
  return value + creditCheckChar(value);
}

/** Checks an 18-character unified social credit code and its check character. */
export function validateCreditCode(s: string): IdentifierResult {
  const value = s.trim().toUpperCase();
  if (value.length !== 18) return { ok: false, reason: `must be 18 characters (got ${value.length})` };
  const bad = badCreditChar(value);
  if (bad !== undefined) {
    return {
      ok: false,
      reason: `character ${JSON.stringify(bad)} is not allowed (only digits and capital letters other than I, O, Z, S, V)`,
    };
  }
  const expected = creditCheckChar(value.slice(0, 17));
  const actual = value.slice(17);
  if (expected !== actual)
    return { ok: false, reason: `check character should be ${expected}, not ${actual}` };
  return { ok: true, value };
}

// ---------------------------------------------------------------------------------------------
// Bank account and card numbers. Card numbers (ISO/IEC 7812) end in a Luhn check digit; account
// numbers of other kinds carry none, so validateAccountNo does not ask for one.

function luhnSum(digits: string, doubleEven: boolean): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === (doubleEven ? 0 : 1)) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}

/** Whether a string of digits ends in its Luhn check digit. */
export function luhnValid(digits: string): boolean {
  return /^\d+$/.test(digits) && luhnSum(digits, false) % 10 === 0;
}

/** The Luhn check digit for a card number's body (for generators and tests). */
export function luhnCheckDigit(body: string): string {
  if (!/^\d+$/.test(body)) throw new RangeError('a card number is digits');
  return String((10 - (luhnSum(body, true) % 10)) % 10);
}

/** 8 to 32 digits once spaces and hyphens are removed; the value returned is the digits. */
export function validateAccountNo(s: string): IdentifierResult {
  const value = s.replace(/[\s-]/g, '');
  if (value === '') return { ok: false, reason: 'is empty' };
  if (!/^\d+$/.test(value))
    return { ok: false, reason: 'must contain only digits (spaces and hyphens allowed)' };
  if (value.length < 8 || value.length > 32) {
    return { ok: false, reason: `must be 8 to 32 digits (got ${value.length})` };
  }
  return { ok: true, value };
}

// ---------------------------------------------------------------------------------------------
// Masking. Each function keeps at most what it says and replaces every other character with '*';
// when the input is too short to keep that much and still hide something, it hides it all.

function maskKeeping(s: string, head: number, tail: number): string {
  const chars = [...s];
  if (chars.length <= head + tail) return '*'.repeat(chars.length);
  return chars.map((c, i) => (i < head || i >= chars.length - tail ? c : '*')).join('');
}

/** '51040219780315123X' → '510402********123X': the area code and the last 4 kept. */
export function maskIdNumber(s: string): string {
  return maskKeeping(String(s ?? '').trim(), 6, 4);
}

/** '6222021234567890123' → '***************0123': the last 4 kept. */
export function maskAccountNo(s: string): string {
  return maskKeeping(String(s ?? '').replace(/[\s-]/g, ''), 0, 4);
}

/** '13812345678' → '138****5678': the first 3 and the last 4 kept, as Chinese services show a phone. */
export function maskPhone(s: string): string {
  return maskKeeping(String(s ?? '').replace(/[\s-]/g, ''), 3, 4);
}

/** '刘德明' → '刘**': the family name's first character kept; one character → '*'. */
export function maskName(s: string): string {
  return maskKeeping(String(s ?? '').trim(), 1, 0);
}
