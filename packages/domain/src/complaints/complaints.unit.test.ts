import { describe, expect, it } from 'vitest';
import { residentIdWithCheckDigit } from '../identifiers.ts';
import {
  CLUE_REFERENCE,
  clueReference,
  complaintFinding,
  decideClueAnswer,
  validateComplaint,
} from './index.ts';

const ID = residentIdWithCheckDigit('51040219850315123');
const TODAY = '2026-12-07';
const good = {
  projectId: 'P-1',
  months: ['2026-11', '2026-10', '2026-11'],
  amount: '12,000.50',
  phone: '138 1234 5678',
  name: ' 刘德明 ',
  idNumber: ID.toLowerCase(),
};

describe('a worker’s report of unpaid wages (欠薪线索)', () => {
  it('given a complete report on a registered project, then it is normalised: months distinct and sorted, fen, digits', () => {
    const r = validateComplaint(good, TODAY);
    expect(r).toEqual({
      ok: true,
      complaint: {
        projectId: 'P-1',
        projectName: null,
        district: null,
        months: ['2026-10', '2026-11'],
        amountFen: 1_200_050n,
        phone: '13812345678',
        name: '刘德明',
        idNumber: ID,
        description: '',
      },
    });
  });

  it('given a project the worker cannot find, then its name and district are kept instead', () => {
    const r = validateComplaint(
      { ...good, projectId: undefined, projectName: '滨江花园二期', district: '东区' },
      TODAY,
    );
    expect(r.ok && r.complaint).toMatchObject({
      projectId: null,
      projectName: '滨江花园二期',
      district: '东区',
    });
  });

  it('given a report wrong in every field, then each field is named, in Chinese', () => {
    const r = validateComplaint(
      {
        months: [],
        amount: '0',
        phone: '12345',
        name: '',
        idNumber: '510402198503151234',
        description: '长'.repeat(501),
      },
      TODAY,
    );
    expect(r.ok).toBe(false);
    const fields = r.ok ? [] : r.problems.map((p) => p.field);
    expect(fields).toEqual([
      'name',
      'idNumber',
      'phone',
      'projectName',
      'district',
      'months',
      'amount',
      'description',
    ]);
    expect(r.ok ? '' : r.problems.find((p) => p.field === 'phone')?.message).toMatch(/手机号/);
  });

  it('given months in the future, older than two years or malformed, then each is refused with its reason', () => {
    const r = validateComplaint({ ...good, months: ['2027-01', '2024-11', '2026-13'] }, TODAY);
    const messages = r.ok ? [] : r.problems.map((p) => p.message);
    expect(messages).toHaveLength(3);
    expect(messages.join(' ')).toMatch(/2024-11 已超过两年/);
    expect(messages.join(' ')).toMatch(/2027-01 还没有到/);
    expect(messages.join(' ')).toMatch(/2026-13 格式不正确/);
    // Two years back to the month is still in time; a landline with its area code is a phone.
    expect(validateComplaint({ ...good, months: ['2024-12'], phone: '0812-3334567' }, TODAY).ok).toBe(true);
  });

  it('given an amount beyond one worker’s wages or with three decimals, then it is refused', () => {
    for (const amount of ['1000000.01', '12.345', 'abc'])
      expect(validateComplaint({ ...good, amount }, TODAY).ok, amount).toBe(false);
    expect(validateComplaint({ ...good, amount: '1000000' }, TODAY).ok).toBe(true);
  });
});

describe('the finding a report becomes', () => {
  it('given a report on a project, then the finding holds the general contractor responsible, masks the ID and keeps no phone', () => {
    const f = complaintFinding(
      {
        clueId: 'c1',
        reference: 'XS20261207-7KQ2MD',
        receivedOn: TODAY,
        projectId: 'P-1',
        name: '刘德明',
        idNumber: ID,
        months: ['2026-10', '2026-11'],
        amountFen: 1_200_050n,
      },
      { name: '攀枝花建工', creditCode: '91510400MA0000000X' },
      new Date('2026-12-07T02:00:00Z'),
    );
    expect(f).toMatchObject({
      findingId: 'complaint:c1',
      rule: 'worker-complaint',
      status: 'open',
      period: '2026-11',
      amountOwed: '12000.50',
      worker: { idNumberMasked: `510402********${ID.slice(-4)}`, name: '刘德明' },
      responsible: { kind: 'contractor', code: '91510400MA0000000X' },
      raisedAt: '2026-12-07T02:00:00.000Z',
    });
    expect(f.detail).toContain('2026-10、2026-11');
    expect(JSON.stringify(f)).not.toContain('138');
    expect(f.legalBasis).toMatch(/Art 10/);
  });

  it('given a day and random numbers, then the reference has the day and no look-alike characters', () => {
    const ref = clueReference('2026-12-07', [0, 1, 31, 32, 8, 100]);
    expect(ref).toBe('XS20261207-23Z2A6');
    expect(ref).toMatch(CLUE_REFERENCE);
    expect('XS20261207-23Z2A0').not.toMatch(CLUE_REFERENCE);
  });
});

describe('an inspector’s answer', () => {
  it('given an open clue, then an answer in progress keeps it open and a final one closes it', () => {
    expect(decideClueAnswer('open', 'in-progress', '已联系施工单位核实')).toEqual({
      ok: true,
      closes: false,
      text: '已联系施工单位核实',
    });
    expect(decideClueAnswer('open', 'paid', ' 工资已于12月5日补发 ')).toEqual({
      ok: true,
      closes: true,
      text: '工资已于12月5日补发',
    });
  });

  it('given a closed clue or an empty answer, then it is refused', () => {
    expect(decideClueAnswer('closed', 'paid', '再次答复内容')).toMatchObject({ ok: false, status: 409 });
    expect(decideClueAnswer('open', 'unfounded', '  ')).toMatchObject({ ok: false, status: 400 });
  });
});
