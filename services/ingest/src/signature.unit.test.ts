import { describe, expect, it } from 'vitest';
import { parseSignature } from './signature.ts';
import { validatePayrollLine } from './validation.ts';

const WORKER = '张三';

describe('parseSignature: signed', () => {
  it.each([
    [true],
    ['true'],
    ['TRUE'], // an xlsx boolean cell, as the file parser reads it
    ['yes'],
    ['Yes'],
    ['y'],
    ['Y'],
    ['1'],
    [1],
    ['ok'],
    ['是'],
    ['签'],
    ['已签'],
    [' 已签 '],
    ['已签字'],
    ['已签名'],
    ['已确认'],
    ['✔'],
    ['✓'],
    ['√'],
    ['ｙｅｓ'], // full-width
  ] as const)('%j', (raw) => {
    expect(parseSignature(raw, WORKER)).toEqual({ ok: true, signed: true });
  });

  it.each([
    ['张三', '张三'],
    [' 张 三 ', '张三'], // spaced out in the cell
    ['张　三', '张三'], // full-width space
    ['张三', ' 张三 '],
    ['阿卜杜·热合曼', '阿卜杜·热合曼'],
    ['阿卜杜•热合曼', '阿卜杜·热合曼'], // another middle dot
    ['Zhang San', 'Zhang San'],
    ['zhang san', 'Zhang San'],
    ['张无忌', '张无忌'], // a name may hold a character that also means "not" (无)
  ])("the worker's own name %j on %j's line", (raw, worker) => {
    expect(parseSignature(raw, worker)).toEqual({ ok: true, signed: true });
  });
});

describe('parseSignature: not signed', () => {
  it.each([
    [false],
    ['false'],
    ['FALSE'],
    [''],
    ['   '],
    [undefined],
    [null],
    ['no'],
    ['n'],
    ['N'],
    ['0'],
    [0],
    ['否'],
    ['无'],
    ['未签'],
    ['未签字'],
    ['未签名'],
    ['没签'],
    ['待签'],
    ['拒签'],
    ['不签'],
    ['未确认'],
    ['×'],
    ['✗'],
    ['✘'],
    ['x'],
    ['X'],
  ] as const)('%j', (raw) => {
    expect(parseSignature(raw, WORKER)).toEqual({ ok: true, signed: false });
  });
});

describe('parseSignature: refused', () => {
  it("another person's name: signed by them, not the worker", () => {
    expect(parseSignature('李四', WORKER)).toEqual({
      ok: false,
      reason: "signed by 李四, not the worker 张三: only the worker's own signature confirms the line",
    });
    expect(parseSignature('Li Si', 'Zhang San')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('signed by Li Si, not the worker Zhang San'),
    });
  });

  it('a name on a line without a worker name', () => {
    expect(parseSignature('李四', undefined)).toEqual({
      ok: false,
      reason: 'signed by 李四, but the line has no worker name to check it against',
    });
  });

  it.each([
    ['?'],
    ['maybe'],
    ['2026-01-05'],
    ['张'], // one character: neither a mark nor the worker's name
    ['签字确认'],
    ['未签字确认'],
    ['✔✔'],
    ['2'],
    [2],
    [{}],
    [['张三']],
  ] as const)('%j is not a signature', (raw) => {
    const r = parseSignature(raw, WORKER);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(/is not a signature: write the worker's name, 已签/);
      expect(r.reason).not.toContain('signed by');
    }
  });
});

describe('validatePayrollLine: the signed field', () => {
  const line = (signed: unknown, name = '张三') => ({
    idNumber: '510402197803150210',
    name,
    daysWorked: 22,
    amountDue: '5200.00',
    signed,
  });

  it("stores the worker's name, 已签字 and ✔ as signed, × and an empty cell as unsigned", () => {
    for (const [signed, expected] of [
      ['张三', true],
      ['已签字', true],
      ['✔', true],
      ['×', false],
      ['', false],
      [undefined, false],
    ] as const) {
      const r = validatePayrollLine(line(signed), 4);
      expect(r, String(signed)).toEqual({ ok: true, value: expect.objectContaining({ signed: expected }) });
    }
  });

  it("refuses another person's name and an unknown mark, naming the row and the field", () => {
    expect(validatePayrollLine(line('李四'), 7)).toEqual({
      ok: false,
      issues: [
        {
          row: 7,
          field: 'signed',
          message: "signed by 李四, not the worker 张三: only the worker's own signature confirms the line",
        },
      ],
    });
    expect(validatePayrollLine(line('?'), 8)).toMatchObject({
      ok: false,
      issues: [{ row: 8, field: 'signed', message: expect.stringContaining('"?" is not a signature') }],
    });
  });
});
