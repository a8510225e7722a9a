import { describe, expect, it } from 'vitest';
import { evidenceRef, parseEvidenceRef } from './evidence.ts';

describe('evidence references', () => {
  it('given each kind of record, then its reference reads back to the same record', () => {
    const sheet = '0b9e3a52-6f0e-4c39-9f3c-1d2a0c4e8b11';
    expect(evidenceRef.transfer('ICBC-PZH', 'ICBC2026111300042')).toBe(
      'bank-transfer:ICBC-PZH:ICBC2026111300042',
    );
    expect(parseEvidenceRef(evidenceRef.transfer('ICBC-PZH', 'REF:with:colons'))).toEqual({
      kind: 'bank-transfer',
      bankCode: 'ICBC-PZH',
      bankRef: 'REF:with:colons',
    });
    expect(parseEvidenceRef(evidenceRef.statement('CCB-PZH', '5101000000012345', '2026-11-13'))).toEqual({
      kind: 'bank-statement',
      bankCode: 'CCB-PZH',
      accountNo: '5101000000012345',
      date: '2026-11-13',
    });
    expect(evidenceRef.payrollSheet(sheet, 2)).toBe(`payroll-sheet:${sheet}:v2`);
    expect(parseEvidenceRef(evidenceRef.payrollSheet(sheet, 2))).toEqual({
      kind: 'payroll-sheet',
      sheetId: sheet,
      version: 2,
    });
    expect(parseEvidenceRef(evidenceRef.deposit('ABC-PZH', 'DEP-1'))).toEqual({
      kind: 'bank-deposit',
      bankCode: 'ABC-PZH',
      bankRef: 'DEP-1',
    });
  });

  it('given anything else, then no reference', () => {
    for (const s of [
      '0b9e3a52-6f0e-4c39-9f3c-1d2a0c4e8b11',
      'bank-transfer:ICBC',
      'payroll-sheet:x:2',
      'x:y:z',
    ])
      expect(parseEvidenceRef(s), s).toBeUndefined();
  });
});
