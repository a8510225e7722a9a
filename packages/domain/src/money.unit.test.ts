import { describe, expect, it } from 'vitest';
import {
  formatFen,
  MoneyFormatError,
  maxFen,
  minFen,
  parseYuan,
  sumFen,
  tryParseYuan,
  yuanToFenFromNumber,
} from './money.ts';

describe('parsing yuan', () => {
  it.each([
    ['5200', 520000n],
    ['5200.5', 520050n],
    ['5200.50', 520050n],
    [' 5200.00 ', 520000n],
    ['1,234.56', 123456n],
    ['1,234,567', 123456700n],
    ['¥5200', 520000n],
    ['￥5200.10', 520010n],
    ['5200元', 520000n],
    ['0.01', 1n],
    ['0', 0n],
  ])('given %j, when parsed, then it is %s fen', (text, fen) => {
    expect(parseYuan(text)).toBe(fen);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['5200.123', 'more than two decimals'],
    ['NaN', 'not a number'],
    ['Infinity', 'not a number'],
    ['abc', 'not a number'],
    ['5.2e3', 'exponent'],
    ['1E5', 'exponent'],
    ['12,34.00', 'not a number'],
    ['5200.', 'not a number'],
    ['.5', 'not a number'],
    ['+5', 'not a number'],
    ['-5', 'negative'],
  ])('given %j, when parsed, then it is refused (%s)', (text, reason) => {
    const r = tryParseYuan(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
    expect(() => parseYuan(text)).toThrow(MoneyFormatError);
  });

  it('given a negative amount, when negatives are allowed, then it parses', () => {
    expect(parseYuan('-12.3', { allowNegative: true })).toBe(-1230n);
    expect(parseYuan('-¥12.30', { allowNegative: true })).toBe(-1230n);
  });

  it('given a bad amount, when parsed, then the error carries the code INVALID_AMOUNT', () => {
    try {
      parseYuan('12.345');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MoneyFormatError);
      expect((e as MoneyFormatError).code).toBe('INVALID_AMOUNT');
    }
  });
});

describe('formatting and arithmetic', () => {
  it('given fen, when formatted, then yuan with two decimals', () => {
    expect(formatFen(520000n)).toBe('5200.00');
    expect(formatFen(-1230n)).toBe('-12.30');
    expect(formatFen(5n)).toBe('0.05');
    expect(formatFen(-5n)).toBe('-0.05');
    expect(formatFen(0n)).toBe('0.00');
    expect(formatFen(12345678901234567890n)).toBe('123456789012345678.90');
  });

  it('given spreadsheet numbers, when converted, then exact fen or an error', () => {
    expect(yuanToFenFromNumber(6950)).toBe(695000n);
    expect(yuanToFenFromNumber(6950.5)).toBe(695050n);
    expect(yuanToFenFromNumber(0.1 + 0.2)).toBe(30n);
    expect(yuanToFenFromNumber(1.1 * 3)).toBe(330n);
    expect(() => yuanToFenFromNumber(1.005)).toThrow(MoneyFormatError);
    expect(yuanToFenFromNumber(-12.3)).toBe(-1230n);
    expect(yuanToFenFromNumber(12345678.91)).toBe(1234567891n);
    expect(yuanToFenFromNumber(-0)).toBe(0n);
    expect(() => yuanToFenFromNumber(6950.123)).toThrow(MoneyFormatError);
    expect(() => yuanToFenFromNumber(10000000.005)).toThrow(MoneyFormatError);
    expect(() => yuanToFenFromNumber(Number.NaN)).toThrow(MoneyFormatError);
    expect(() => yuanToFenFromNumber(Number.POSITIVE_INFINITY)).toThrow(MoneyFormatError);
  });

  it('given amounts, when summed and compared, then exactly', () => {
    expect(sumFen([695000n, 462000n, 1n])).toBe(1157001n);
    expect(sumFen([])).toBe(0n);
    expect(sumFen(new Set([1n, 2n]))).toBe(3n);
    expect(minFen(5n, -1n, 3n)).toBe(-1n);
    expect(maxFen(5n, -1n, 3n)).toBe(5n);
  });
});
