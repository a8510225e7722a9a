import { payrollFixture } from '@wagewatch/testkit/fixtures';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseSignature } from '../signature.ts';
import { type ParsedPayrollFile, PayrollFileError, parsePayrollFile } from './index.ts';

const WORKERS = [
  { rowNumber: 4, idNumber: '510402197803150210', name: '王建国', net: 6950, gross: 7280, signed: true },
  { rowNumber: 5, idNumber: '510411198507090226', name: '李秀英', net: 4620, gross: 4840, signed: true },
  { rowNumber: 6, idNumber: '510421199001010230', name: '张伟', net: 7150, gross: 7500, signed: true },
  { rowNumber: 7, idNumber: '510422196912240259', name: '刘德明', net: 6410, gross: 6720, signed: false },
  { rowNumber: 8, idNumber: '513401199811110273', name: '陈小龙', net: 5730, gross: 6000, signed: true },
];

async function parseError(p: Promise<unknown>): Promise<PayrollFileError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PayrollFileError);
  return err as PayrollFileError;
}

const csv = (text: string, bom = false) =>
  parsePayrollFile({ bytes: Buffer.concat([Buffer.from(bom ? '\ufeff' : ''), Buffer.from(text, 'utf8')]) });

async function xlsx(rows: ExcelJS.CellValue[][], setup?: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('工资表');
  for (const r of rows) ws.addRow(r);
  setup?.(ws);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function expectTheFiveWorkers(r: ParsedPayrollFile) {
  expect(r.headerRow).toBe(3);
  expect(r.title).toBe('攀枝花市东区某某安置房项目 2026年1月 农民工工资支付表');
  expect(r.period).toBe('2026-01');
  expect(r.subcontractor).toEqual({ name: '攀枝花市某某劳务有限公司', creditCode: '915104003141592656' });
  expect(r.rows.map((w) => w.rowNumber)).toEqual(WORKERS.map((w) => w.rowNumber));
  expect(r.rows.map((w) => w.idNumber)).toEqual(WORKERS.map((w) => w.idNumber));
  expect(r.rows.map((w) => w.name)).toEqual(WORKERS.map((w) => w.name));
  expect(r.rows.map((w) => Number(w.amountDue))).toEqual(WORKERS.map((w) => w.net));
  expect(r.rows.map((w) => Number(w.grossAmount))).toEqual(WORKERS.map((w) => w.gross));
  expect(r.rows.map((w) => parseSignature(w.signed, w.name))).toEqual(
    WORKERS.map((w) => ({ ok: true, signed: w.signed })),
  );
  expect(r.rows[3]?.signed).toBe('');
  expect(r.rows[0]).toMatchObject({ daysWorked: '26', team: '钢筋工', accountNo: '6217003760012345671' });
  for (const w of r.rows) expect(typeof w.idNumber).toBe('string');
  expect(r.totals?.rowNumber).toBe(9);
  expect(Number(r.totals?.amountDue)).toBe(30860);
  expect(Number(r.totals?.grossAmount)).toBe(32340);
  expect(r.issues).toEqual([]);
}

describe('fixtures', () => {
  it('gongzi-2026-01.xlsx: title rows, both amounts, 合计 skipped', async () => {
    const r = await parsePayrollFile({
      bytes: payrollFixture('gongzi-2026-01.xlsx'),
      filename: 'gongzi-2026-01.xlsx',
    });
    expect(r.format).toBe('xlsx');
    expect(r.encoding).toBeUndefined();
    expectTheFiveWorkers(r);
    expect(r.rows[0]?.amountDue).toBe('6950');
  });

  it('gongzi-2026-01.csv: UTF-8 without BOM', async () => {
    const r = await parsePayrollFile({
      bytes: payrollFixture('gongzi-2026-01.csv'),
      filename: 'gongzi-2026-01.csv',
    });
    expect(r).toMatchObject({ format: 'csv', encoding: 'utf-8' });
    expectTheFiveWorkers(r);
    expect(r.rows[0]?.amountDue).toBe('6950.00');
  });

  it('gongzi-2026-01-gbk.csv: GBK, same five lines', async () => {
    const r = await parsePayrollFile({ bytes: payrollFixture('gongzi-2026-01-gbk.csv') });
    expect(r).toMatchObject({ format: 'csv', encoding: 'gbk' });
    expectTheFiveWorkers(r);
    const utf8 = await parsePayrollFile({ bytes: payrollFixture('gongzi-2026-01.csv') });
    expect(r.rows).toEqual(utf8.rows);
  });

  it('gongzi-id-as-number.xlsx: a row-level issue on idNumber and accountNo for every worker', async () => {
    const r = await parsePayrollFile({ bytes: payrollFixture('gongzi-id-as-number.xlsx') });
    expect(r.rows.map((w) => w.name)).toEqual(WORKERS.map((w) => w.name));
    for (const w of r.rows) {
      expect(w.idNumber).toBe('');
      expect(w.accountNo).toBe('');
      const mine = r.issues.filter((i) => i.row === w.rowNumber);
      expect(mine.map((i) => i.field).sort()).toEqual(['accountNo', 'idNumber']);
      for (const i of mine) expect(i.message).toMatch(/stored as a number .*last digits are lost.*as text/);
    }
    expect(r.issues).toHaveLength(10);
    expect(r.issues[0]).toEqual({
      row: 4,
      field: 'idNumber',
      message:
        'the ID number was stored as a number (5.1040219780315E+17) and its last digits are lost; format the 身份证号码 column as text in Excel and enter the numbers again',
    });
    expect(r.issues.find((i) => i.field === 'accountNo')?.message).toContain('银行卡号');
    expect(Number(r.totals?.amountDue)).toBe(30860);
  });
});

describe('generated CSV', () => {
  it('English headers, any case/space/underscore', async () => {
    const r = await csv(
      'ID Number,Name,days_worked,AMOUNT_DUE,signed,account_no\n11010519491231002X,Zhang San,22,5200.50,yes,6222020200112233445\n',
    );
    expect(r.headerRow).toBe(1);
    expect(r.title).toBeUndefined();
    expect(r.period).toBeUndefined();
    expect(r.rows).toEqual([
      {
        rowNumber: 2,
        idNumber: '11010519491231002X',
        name: 'Zhang San',
        daysWorked: '22',
        amountDue: '5200.50',
        signed: 'yes',
        accountNo: '6222020200112233445',
      },
    ]);
  });

  it('English gross_amount + net_amount: net is the amount to transfer', async () => {
    const r = await csv('id_number,name,gross_amount,net_amount\n110105194912310029,A,100,90\n');
    expect(r.rows[0]).toMatchObject({ amountDue: '90', grossAmount: '100', daysWorked: '', signed: '' });
  });

  it('UTF-8 with BOM, full-width spaces and （元） in headers, blank lines keep real row numbers', async () => {
    const r = await csv(
      '2026.02 工资表\n\n身份证　号码,姓 名,实发工资（元）,签字\n110105194912310029,王五,3000,王五\n\n110105194912310029,赵六,3100,\n',
      true,
    );
    expect(r).toMatchObject({ encoding: 'utf-8', headerRow: 3, period: '2026-02', title: '2026.02 工资表' });
    expect(r.rows.map((w) => [w.rowNumber, w.name, w.amountDue, w.signed])).toEqual([
      [4, '王五', '3000', '王五'],
      [6, '赵六', '3100', ''],
    ]);
    expect(r.rows[0]?.grossAmount).toBeUndefined();
  });

  it('only 应发工资: it is the amount to transfer, no grossAmount', async () => {
    const r = await csv('姓名,身份证号,应发工资,本人签字\n李四,110105194912310029,4800,已签\n合计,,4800,\n');
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ amountDue: '4800', signed: '已签' });
    expect(r.rows[0]?.grossAmount).toBeUndefined();
    expect(r.totals).toEqual({ rowNumber: 3, amountDue: '4800' });
  });

  it('scientific notation written by Excel into a CSV is a row-level issue', async () => {
    const r = await csv(
      '姓名,身份证号码,工资,银行卡号\n李四,5.10402E+17,4800,6.21700E+18\n张三,110105194912310029,4800,6222020200112233445\n',
    );
    expect(r.rows.map((w) => w.idNumber)).toEqual(['', '110105194912310029']);
    expect(r.issues).toEqual([
      {
        row: 2,
        field: 'idNumber',
        message:
          'the ID number was stored as a number (5.10402E+17) and its last digits are lost; format the 身份证号码 column as text in Excel and enter the numbers again',
      },
      expect.objectContaining({ row: 2, field: 'accountNo' }),
    ]);
  });

  it('an ID whose last digits were zeroed (ends in 000, wrong check digit) is an issue too', async () => {
    const r = await csv('姓名,身份证号码,工资\n李四,510402197803150000,4800\n');
    expect(r.rows[0]?.idNumber).toBe('');
    expect(r.issues[0]).toMatchObject({ row: 2, field: 'idNumber' });
  });

  it('missing ID column → MISSING_COLUMN naming the column and the header row', async () => {
    const err = await parseError(csv('工资表\n序号,姓名,工种,实发工资\n1,李四,杂工,4800\n'));
    expect(err.code).toBe('MISSING_COLUMN');
    expect(err.headerRow).toBe(2);
    expect(err.column).toBe('idNumber');
    expect(err.message).toContain('row 2');
    expect(err.message).toContain('身份证号码');
  });

  it('missing amount column → MISSING_COLUMN', async () => {
    const err = await parseError(csv('姓名,身份证号码,工种\n李四,110105194912310029,杂工\n'));
    expect(err).toMatchObject({ code: 'MISSING_COLUMN', column: 'amountDue', headerRow: 1 });
  });

  it('no header row → NO_HEADER', async () => {
    const err = await parseError(csv('a,b,c\n1,2,3\n'));
    expect(err.code).toBe('NO_HEADER');
  });

  it('empty file and whitespace-only file → EMPTY_FILE', async () => {
    expect((await parseError(parsePayrollFile({ bytes: Buffer.alloc(0) }))).code).toBe('EMPTY_FILE');
    expect((await parseError(csv('\n\n', true))).code).toBe('EMPTY_FILE');
  });

  it('a binary file that is not an xlsx → UNREADABLE_FILE', async () => {
    const png = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
    ]);
    expect((await parseError(parsePayrollFile({ bytes: png, filename: 'x.csv' }))).code).toBe(
      'UNREADABLE_FILE',
    );
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 1, 2, 3]);
    const err = await parseError(parsePayrollFile({ bytes: xls, filename: 'gongzi.xls' }));
    expect(err.code).toBe('UNREADABLE_FILE');
    expect(err.message).toContain('.xlsx');
    const text = Buffer.from('姓名,身份证号码,工资\n');
    expect((await parseError(parsePayrollFile({ bytes: text, filename: 'a.xlsx' }))).code).toBe(
      'UNREADABLE_FILE',
    );
    const brokenZip = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64, 7)]);
    expect((await parseError(parsePayrollFile({ bytes: brokenZip }))).code).toBe('UNREADABLE_FILE');
  });

  it('GBK CSV produced with iconv is detected', async () => {
    const bytes = iconv.encode('姓名,身份证号码,实发工资\n王建国,510402197803150210,6950.00\n', 'gbk');
    const r = await parsePayrollFile({ bytes });
    expect(r.encoding).toBe('gbk');
    expect(r.rows[0]).toMatchObject({ name: '王建国', amountDue: '6950.00' });
  });
});

describe('generated XLSX', () => {
  it('numeric amounts give their decimal text, formulas their result, rich text joined', async () => {
    const bytes = await xlsx(
      [
        ['2026年3月工资支付表'],
        ['施工单位：某某建筑劳务有限公司', '', '统一社会信用代码：91510100MA61234567'],
        ['姓名', '身份证号码', '出勤天数', '应发工资', '签字'],
        ['王建国', '510402197803150210', 26, 5200.5, '√'],
        ['李秀英', '510411198507090226', 22, 0.1 + 0.2 + 4000, '已签'],
        [
          { richText: [{ text: '张' }, { text: '伟' }] },
          '510421199001010230',
          25,
          { formula: 'D4*2', result: 10401 },
          '',
        ],
        [],
        ['合计', '', 73, { formula: 'SUM(D4:D6)', result: 19601.8 }, ''],
        ['制表人：某某', '', '', '', ''],
      ],
      (ws) => ws.mergeCells('A1:E1'),
    );
    const r = await parsePayrollFile({ bytes });
    expect(r).toMatchObject({
      format: 'xlsx',
      headerRow: 3,
      period: '2026-03',
      title: '2026年3月工资支付表',
    });
    expect(r.subcontractor).toEqual({ name: '某某建筑劳务有限公司', creditCode: '91510100MA61234567' });
    expect(r.rows.map((w) => [w.rowNumber, w.name, w.amountDue, w.daysWorked, w.signed])).toEqual([
      [4, '王建国', '5200.5', '26', '√'],
      [5, '李秀英', '4000.3', '22', '已签'],
      [6, '张伟', '10401', '25', ''],
    ]);
    expect(r.totals).toEqual({ rowNumber: 8, amountDue: '19601.8' });
    expect(r.issues).toEqual([]);
  });

  it('an ID written as text in scientific notation is the same loss', async () => {
    const bytes = await xlsx([
      ['姓名', '身份证号码', '实发工资', '工资卡号'],
      ['王建国', '5.1040219780315E+17', 100, Number('6217003760012345671')],
      ['李秀英', 110105194912310, 100, '6217003760012345672'],
    ]);
    const r = await parsePayrollFile({ bytes });
    expect(r.rows.map((w) => [w.idNumber, w.accountNo])).toEqual([
      ['', ''],
      ['110105194912310', '6217003760012345672'],
    ]);
    expect(r.issues.map((i) => [i.row, i.field])).toEqual([
      [2, 'idNumber'],
      [2, 'accountNo'],
    ]);
    expect(r.issues[1]?.message).toContain('format the 工资卡号 column as text');
  });

  it('takes the first worksheet that has a header', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('说明').addRow(['本表由项目部填写']);
    const ws = wb.addWorksheet('1月');
    ws.addRow(['姓名', '身份证号码', '工资']);
    ws.addRow(['王建国', '510402197803150210', 100]);
    const r = await parsePayrollFile({ bytes: Buffer.from(await wb.xlsx.writeBuffer()) });
    expect(r.sheetName).toBe('1月');
    expect(r.rows).toHaveLength(1);
  });
});
