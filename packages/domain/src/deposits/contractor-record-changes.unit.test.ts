import { describe, expect, it } from 'vitest';
import { addDays, type LocalDate } from '../dates.ts';
import { at } from '../payments/testing.ts';
import { type ContractorHistory, contractorRecord, contractorRecordChangesOn } from './contractor-record.ts';

const histories: Record<string, ContractorHistory> = {
  'never in arrears': { findings: [], firstSeen: '2023-03-10' },
  'arrears twice, one other finding': {
    findings: [
      { rule: 'wages-missed', raisedAt: at('2024-02-29 10:00'), projectId: 'P-1' },
      { rule: 'payroll-unsigned', raisedAt: at('2025-01-05 10:00'), projectId: 'P-1' },
      { rule: 'wages-short', raisedAt: at('2025-07-16 23:30'), projectId: 'P-2' },
    ],
    firstSeen: '2022-06-01',
  },
  blacklisted: {
    findings: [{ rule: 'arrears-growing', raisedAt: at('2025-11-20 09:00'), projectId: 'P-3' }],
    blacklistedUntil: '2026-05-31',
    firstSeen: '2025-01-01',
  },
  'first seen later': { findings: [], firstSeen: '2026-02-01' },
};

const strip = ({ asOf: _asOf, ...rest }: ReturnType<typeof contractorRecord>) => rest;

describe('contractorRecordChangesOn: the record is the same on every day before it', () => {
  for (const [name, history] of Object.entries(histories)) {
    it(name, () => {
      let changes = 0;
      for (let d: LocalDate = '2024-01-01'; d <= '2028-12-31'; d = addDays(d, 1)) {
        const next = contractorRecordChangesOn(history, d);
        const here = JSON.stringify(strip(contractorRecord(history, d)));
        const until = next ?? '2029-01-01';
        expect(until > d).toBe(true);
        // The next day, and the eve of the change (every day is some day's next day).
        const e = addDays(d, 1);
        if (e < until) expect(JSON.stringify(strip(contractorRecord(history, e))), `${d} → ${e}`).toBe(here);
        if (next) {
          expect(
            JSON.stringify(strip(contractorRecord(history, addDays(next, -1)))),
            `${d} → eve of ${next}`,
          ).toBe(here);
          if (JSON.stringify(strip(contractorRecord(history, next))) !== here) changes++;
        }
      }
      expect(changes).toBeGreaterThan(1);
    });
  }
});
