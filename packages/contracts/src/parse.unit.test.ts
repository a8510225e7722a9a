import { describe, expect, it } from 'vitest';
import { parseEnvelope, UnprocessableEventError } from './parse.ts';

const envelope = (overrides: Record<string, unknown> = {}) => ({
  id: '0b9c6f9e-5d1a-4f3e-9a56-2f1d8c7b6a51',
  type: 'bank.statement-reported',
  version: 1,
  occurredAt: '2026-11-13T10:00:00.000+08:00',
  key: 'P-1',
  metadata: { producer: 'ingest' },
  data: {
    projectId: 'P-1',
    bankCode: 'B',
    accountNo: '6222000011112222',
    date: '2026-11-13',
    openingBalance: '0.00',
    closingBalance: '0.00',
    debitCount: 0,
    debitTotal: '0.00',
    creditCount: 0,
    creditTotal: '0.00',
    receivedAt: '2026-11-13T10:00:00.000+08:00',
  },
  ...overrides,
});

describe('parseEnvelope', () => {
  it('accepts a valid envelope and returns its typed data', () => {
    const e = parseEnvelope(envelope());
    expect(e.type).toBe('bank.statement-reported');
    expect(e.data).toMatchObject({ date: '2026-11-13' });
  });
  it.each([
    ['not an object', 'hello', /malformed envelope/],
    ['no id', { ...envelope(), id: undefined }, /malformed envelope/],
    ['an unknown type', envelope({ type: 'bank.thing-happened' }), /unknown event type bank.thing-happened/],
    ['an unknown version', envelope({ version: 7 }), /unsupported version 7 of bank.statement-reported/],
    [
      'invalid data',
      envelope({ data: { projectId: 'P-1' } }),
      /invalid bank.statement-reported data at bankCode/,
    ],
    ['an amount as a float', envelope({ data: { ...envelope().data, debitTotal: 12.5 } }), /debitTotal/],
  ])('refuses %s as unprocessable (a dead letter, never retried)', (_what, raw, message) => {
    expect(() => parseEnvelope(raw)).toThrow(UnprocessableEventError);
    expect(() => parseEnvelope(raw)).toThrow(message);
  });
});
