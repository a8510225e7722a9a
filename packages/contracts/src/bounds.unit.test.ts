import { describe, expect, it } from 'vitest';
import {
  boundedText,
  MAX_AMOUNT_FEN,
  MAX_AMOUNT_YUAN,
  recordDate,
  recordInstant,
  shanghaiDateOfInstant,
  textProblem,
} from './bounds.ts';
import { signedYuanString, yuanString } from './money.ts';
import { parseEnvelopeRows, UnprocessableEventError } from './parse.ts';

describe('bounds', () => {
  it('the largest amount is exact as a JavaScript number and is what yuanString accepts', () => {
    expect(MAX_AMOUNT_FEN).toBeLessThan(BigInt(Number.MAX_SAFE_INTEGER));
    expect(yuanString.safeParse(MAX_AMOUNT_YUAN).success).toBe(true);
    expect(yuanString.safeParse('10000000000000.00').success).toBe(false);
    expect(signedYuanString.safeParse(`-${MAX_AMOUNT_YUAN}`).success).toBe(true);
    expect(signedYuanString.safeParse('-10000000000000.00').success).toBe(false);
    expect(yuanString.safeParse('-1.00').success).toBe(false);
  });

  it('text: NUL and lone surrogates are refused, pairs (emoji) and CJK are kept; length in UTF-16 units', () => {
    expect(textProblem('a\u0000b')).toContain('NUL');
    expect(textProblem('a\ud800')).toContain('lone surrogate');
    expect(textProblem('\udc00a')).toContain('lone surrogate');
    expect(textProblem('工资😀')).toBeUndefined();
    const t = boundedText(4);
    expect(t.safeParse('工资😀').success).toBe(true);
    expect(t.safeParse('工资😀x').success).toBe(false);
    expect(t.safeParse('').success).toBe(false);
  });

  it('dates: real calendar dates inside 2000-01-01..2099-12-31; instants by their Shanghai date', () => {
    expect(recordDate.safeParse('2000-01-01').success).toBe(true);
    expect(recordDate.safeParse('2099-12-31').success).toBe(true);
    expect(recordDate.safeParse('1999-12-31').success).toBe(false);
    expect(recordDate.safeParse('2100-01-01').success).toBe(false);
    expect(recordDate.safeParse('2026-02-30').success).toBe(false);
    expect(shanghaiDateOfInstant('1999-12-31T16:00:00Z')).toBe('2000-01-01');
    expect(recordInstant.safeParse('1999-12-31T16:00:00Z').success).toBe(true);
    expect(recordInstant.safeParse('1999-12-31T15:59:59Z').success).toBe(false);
    expect(recordInstant.safeParse('2099-12-31T23:59:59+08:00').success).toBe(true);
    expect(recordInstant.safeParse('2100-01-01T00:00:00+08:00').success).toBe(false);
  });
});

const transfer = (bankRef: string, amount: string) => ({
  bankRef,
  accountNo: '2302010009100000001',
  direction: 'debit',
  amount,
  counterpartyAccountNo: '6222020000000000001',
  counterpartyName: '工人1',
  bookedAt: '2026-11-13T10:00:00+08:00',
  status: 'booked',
});
const event = (data: unknown) => ({
  id: '0b9c6f9e-5d1a-4f3e-9a56-2f1d8c7b6a51',
  type: 'bank.transfers-reported',
  version: 1,
  occurredAt: '2026-11-13T10:00:00.000+08:00',
  key: 'P-1',
  metadata: { producer: 'ingest' },
  data,
});

describe('parseEnvelopeRows', () => {
  it('given a batch event with one bad row, then the good rows come back and the bad one apart with its reason', () => {
    const rows = [transfer('A', '1.00'), transfer('B', '99999999999999.00'), transfer('C', '2.00')];
    const { event: e, rejected } = parseEnvelopeRows(
      event({ projectId: 'P-1', bankCode: 'ICBC', transfers: rows }),
    );
    expect(e.type === 'bank.transfers-reported' && e.data.transfers.map((t) => t.bankRef)).toEqual([
      'A',
      'C',
    ]);
    expect(rejected).toEqual([
      { index: 1, row: rows[1], reason: expect.stringMatching(/transfers\[1\] at amount/) },
    ]);
  });

  it('given a bad field outside the rows, then the whole event is refused', () => {
    expect(() =>
      parseEnvelopeRows(event({ projectId: '', bankCode: 'ICBC', transfers: [transfer('A', '1.00')] })),
    ).toThrow(UnprocessableEventError);
  });
});
