import { describe, expect, it } from 'vitest';
import {
  creditCodeWithCheckCharacter,
  luhnCheckDigit,
  luhnValid,
  maskAccountNo,
  maskIdNumber,
  maskName,
  residentIdCheckCharOk,
  residentIdWithCheckDigit,
  validateAccountNo,
  validateCreditCode,
  validateResidentId,
} from './identifiers.ts';

/** 王建国, first worker of packages/testkit/fixtures/payroll/gongzi-2026-01.csv. */
const FIXTURE_ID = '510402197803150210';
/** The subcontractor's code in the same file. */
const FIXTURE_CREDIT_CODE = '915104003141592656';

describe('resident ID numbers', () => {
  it('given the ID of a worker on a real payroll sheet, when validated, then it is accepted', () => {
    expect(validateResidentId(FIXTURE_ID)).toEqual({ ok: true, value: FIXTURE_ID });
    expect(validateResidentId('510411198507090226').ok).toBe(true);
  });

  it('given an ID whose check character is X, when validated in either case, then it is accepted as X', () => {
    expect(validateResidentId('51040219780315123X')).toEqual({ ok: true, value: '51040219780315123X' });
    expect(validateResidentId('51040219780315123x')).toEqual({ ok: true, value: '51040219780315123X' });
    expect(validateResidentId(' 11010519900101007x ')).toEqual({ ok: true, value: '11010519900101007X' });
  });

  it('given a wrong check digit, when validated, then the reason names the right one', () => {
    expect(validateResidentId('510402197803150213')).toEqual({
      ok: false,
      reason: 'check digit should be 0, not 3',
    });
    expect(validateResidentId('510402197803151235')).toEqual({
      ok: false,
      reason: 'check digit should be X, not 5',
    });
  });

  it('given a 15-digit legacy ID, when validated, then it is refused with the length', () => {
    const r = validateResidentId('510402780315021');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/^must be 18 characters \(got 15\)/);
  });

  it('given impossible birth dates, when validated, then the date is named', () => {
    const bad = residentIdWithCheckDigit('51040219781332123');
    expect(validateResidentId(bad)).toEqual({ ok: false, reason: 'birth date 19781332 is not a date' });
    const feb30 = residentIdWithCheckDigit('51040220260230123');
    expect(validateResidentId(feb30)).toEqual({ ok: false, reason: 'birth date 20260230 is not a date' });
    const old = residentIdWithCheckDigit('51040218991231123');
    expect(validateResidentId(old)).toEqual({ ok: false, reason: 'birth date 18991231 is before 1900' });
  });

  it('given a birth date after asOf, when validated, then refused; without asOf the check is skipped', () => {
    const future = residentIdWithCheckDigit('51040220300101123');
    expect(validateResidentId(future, '2026-11-15')).toEqual({
      ok: false,
      reason: 'birth date 20300101 is in the future',
    });
    expect(validateResidentId(future).ok).toBe(true);
    const today = residentIdWithCheckDigit('51040220261115123');
    expect(validateResidentId(today, '2026-11-15').ok).toBe(true);
  });

  it('given malformed input, when validated, then refused without throwing', () => {
    expect(validateResidentId('')).toEqual({ ok: false, reason: 'must be 18 characters (got 0)' });
    expect(validateResidentId('5104021978031502A0').ok).toBe(false);
    expect(validateResidentId('X10402197803150210').ok).toBe(false);
    expect(validateResidentId('5.1040219780315E+17').ok).toBe(false);
  });

  it('given 17 digits, when completed, then the result validates', () => {
    expect(residentIdWithCheckDigit('51040219780315021')).toBe(FIXTURE_ID);
    expect(() => residentIdWithCheckDigit('5104021978031502')).toThrow(RangeError);
  });
});

describe('unified social credit codes', () => {
  it('given the code on a real payroll sheet and a generated one, when validated, then accepted', () => {
    expect(validateCreditCode(FIXTURE_CREDIT_CODE)).toEqual({ ok: true, value: FIXTURE_CREDIT_CODE });
    const generated = creditCodeWithCheckCharacter('91510400MA6XK2B3C');
    expect(generated).toHaveLength(18);
    expect(validateCreditCode(generated)).toEqual({ ok: true, value: generated });
    expect(validateCreditCode(generated.toLowerCase())).toEqual({ ok: true, value: generated });
  });

  it('given a corrupted code, when validated, then the reason names the expected check character', () => {
    const corrupted = `${FIXTURE_CREDIT_CODE.slice(0, 5)}9${FIXTURE_CREDIT_CODE.slice(6)}`;
    const r = validateCreditCode(corrupted);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/^check character should be [0-9A-Y], not 6$/);
  });

  it('given forbidden letters or a wrong length, when validated, then refused', () => {
    const r = validateCreditCode('91510400MA6XK2B3CI');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('"I"');
    expect(validateCreditCode('9151040031415926').ok).toBe(false);
    expect(() => creditCodeWithCheckCharacter('91510400OA6XK2B3C')).toThrow(RangeError);
  });

  it('given a check value of 31, when completed, then the check character is 0', () => {
    // Search the last position for a prefix whose weighted sum is a multiple of 31.
    const found = [...'0123456789ABCDEFGHJKLMNPQRTUWXY']
      .map((c) => creditCodeWithCheckCharacter(`9151040031415926${c}`))
      .find((code) => code.endsWith('0'));
    expect(found).toBeDefined();
    expect(validateCreditCode(found ?? '').ok).toBe(true);
  });
});

describe('bank account numbers', () => {
  it('given card numbers with spaces or hyphens, when validated, then the digits are kept', () => {
    expect(validateAccountNo('6217003760012345671')).toEqual({ ok: true, value: '6217003760012345671' });
    expect(validateAccountNo('6217 0037 6001 2345 671')).toEqual({ ok: true, value: '6217003760012345671' });
    expect(validateAccountNo('6217-0037-6001')).toEqual({ ok: true, value: '621700376001' });
  });

  it('given too short, too long or non-digit input, when validated, then refused', () => {
    expect(validateAccountNo('1234567')).toEqual({ ok: false, reason: 'must be 8 to 32 digits (got 7)' });
    expect(validateAccountNo('1'.repeat(33)).ok).toBe(false);
    expect(validateAccountNo('6.21700376001234E+18').ok).toBe(false);
    expect(validateAccountNo('').ok).toBe(false);
  });
});

describe('masking personal data', () => {
  it('given full values, when masked, then only the promised characters remain', () => {
    expect(maskIdNumber('51040219780315123X')).toBe('510402********123X');
    expect(maskAccountNo('6222021234567890123')).toBe('***************0123');
    expect(maskAccountNo('6222 0212 3456 7890 123')).toBe('***************0123');
    expect(maskName('刘德明')).toBe('刘**');
    expect(maskName('欧阳娜娜')).toBe('欧***');
  });

  it('given short or odd input, when masked, then nothing more is revealed and nothing throws', () => {
    expect(maskName('王')).toBe('*');
    expect(maskName('')).toBe('');
    expect(maskIdNumber('1234567890')).toBe('**********');
    expect(maskIdNumber('')).toBe('');
    expect(maskAccountNo('0123')).toBe('****');
    expect(maskAccountNo('')).toBe('');
    expect(maskName('𠮷田')).toBe('𠮷*');
    expect(maskIdNumber(undefined as unknown as string)).toBe('');
  });
});

describe('check characters, written once for the intake and the generators', () => {
  it('given card numbers published as Luhn examples, when checked, then the valid ones pass and a changed digit fails', () => {
    // 79927398713 is the worked example of ISO/IEC 7812-1 Annex B; 4111111111111111 a test card.
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnValid('6222021234567890000')).toBe(false);
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('4111 1111')).toBe(false);
  });

  it('given a body, when its Luhn digit is appended, then the number is valid, for every last digit', () => {
    expect(luhnCheckDigit('7992739871')).toBe('3');
    for (let n = 0; n < 10; n++) {
      const body = `62220212345678${n}012`;
      expect(luhnValid(body + luhnCheckDigit(body))).toBe(true);
    }
    expect(() => luhnCheckDigit('12a')).toThrow(RangeError);
  });

  it('given IDs, when only their check character is checked, then it agrees with the full validation', () => {
    expect(residentIdCheckCharOk(FIXTURE_ID)).toBe(true);
    expect(residentIdCheckCharOk('51040219780315021X')).toBe(false);
    const x = residentIdWithCheckDigit('11010519491231002');
    expect(x.endsWith('X')).toBe(true);
    expect(residentIdCheckCharOk(x.toLowerCase())).toBe(true);
    expect(residentIdCheckCharOk('510402197803150')).toBe(false);
  });
});
