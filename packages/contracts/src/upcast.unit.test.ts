import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseEnvelope, UnprocessableEventError } from './parse.ts';
import { upcast } from './upcast.ts';

const sheetV0 = {
  projectId: 'P-1',
  period: '2025-03',
  // A uuid, as ingest makes them and the consumers' sheet_id columns (uuid) hold.
  sheetId: '5f0c3d1e-8a4b-4c2d-9e6f-1a2b3c4d5e6f',
  version: 1,
  submittedAt: '2025-04-02T09:00:00+08:00',
  lines: [
    {
      idNumber: '110101199001011234',
      name: '张三',
      daysWorked: 22,
      amountDue: '6600.00',
      signed: true,
      sourceRow: 2,
    },
  ],
};

const envelope = (version: number, data: unknown) => ({
  id: randomUUID(),
  type: 'payroll.submitted',
  version,
  occurredAt: '2025-04-02T09:00:00+08:00',
  key: 'P-1',
  data,
  metadata: { producer: 'ingest' },
});

describe('upcast', () => {
  it('given a payroll.submitted v0 (one message per sheet), when parsed, then it is v1 part 1 of 1', () => {
    const event = parseEnvelope(envelope(0, sheetV0));
    expect(event.type).toBe('payroll.submitted');
    expect(event.version).toBe(1);
    expect(event.data).toEqual({ ...sheetV0, part: 1, parts: 1 });
  });

  it('leaves a current version untouched', () => {
    const v1 = envelope(1, { ...sheetV0, part: 2, parts: 3 });
    expect(upcast(v1, () => 1)).toBe(v1);
    expect(parseEnvelope(v1).data).toMatchObject({ part: 2, parts: 3 });
  });

  it('rejects an invalid v0 body with the path of the problem', () => {
    const bad = envelope(0, { ...sheetV0, lines: 'nope' });
    expect(() => parseEnvelope(bad)).toThrow(UnprocessableEventError);
    expect(() => parseEnvelope(bad)).toThrow(/payroll.submitted v0 data at lines/);
  });

  it('still rejects an unknown version (newer, or older without an upcaster)', () => {
    expect(() => parseEnvelope(envelope(2, { ...sheetV0, part: 1, parts: 1 }))).toThrow(
      /unsupported version 2 of payroll.submitted/,
    );
    const oldTransfers = { ...envelope(0, { projectId: 'P-1', bankCode: 'B', transfers: [] }) };
    oldTransfers.type = 'bank.transfers-reported';
    expect(() => parseEnvelope(oldTransfers)).toThrow(UnprocessableEventError);
    expect(() => parseEnvelope(oldTransfers)).toThrow(/unsupported version 0 of bank.transfers-reported/);
  });

  it('does not touch values that are not envelopes', () => {
    expect(upcast('not json', () => 1)).toBe('not json');
    expect(upcast(null, () => 1)).toBe(null);
    expect(() => parseEnvelope('not json')).toThrow(/malformed envelope/);
  });
});
