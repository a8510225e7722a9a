import { payrollFixture } from '@wagewatch/testkit/fixtures';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { checkXlsxBounds, DEFAULT_PAYROLL_FILE_BOUNDS, GRID_SLACK_ROWS } from './bounds.ts';
import { PayrollFileError, parsePayrollFile } from './index.ts';

const sheetOfRows = async (n: number) => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('工资表');
  ws.addRow(['身份证号', '姓名', '工资']);
  for (let i = 0; i < n; i++) ws.addRow([`id${i}`, `工人${i}`, 5200]);
  return Buffer.from(await wb.xlsx.writeBuffer());
};

describe('checkXlsxBounds', () => {
  it('passes a real payroll workbook', () => {
    expect(
      checkXlsxBounds(payrollFixture('gongzi-2026-01.xlsx'), DEFAULT_PAYROLL_FILE_BOUNDS),
    ).toBeUndefined();
  });

  it('stops at the decompressed-size bound, naming the entry', () => {
    const exceeded = checkXlsxBounds(payrollFixture('gongzi-2026-01.xlsx'), {
      maxRows: 20_000,
      maxDecompressedBytes: 2_000,
    });
    expect(exceeded?.bound).toBe('decompressed-bytes');
    expect(exceeded?.detail).toMatch(/more than 0 MB \(at ".+"\)/);
  });

  it('counts worksheet rows against the row bound plus the slack for titles and footers', async () => {
    const bounds = { maxRows: 10, maxDecompressedBytes: 64 * 1024 * 1024 };
    expect(checkXlsxBounds(await sheetOfRows(10 + GRID_SLACK_ROWS - 1), bounds)).toBeUndefined();
    expect(checkXlsxBounds(await sheetOfRows(10 + GRID_SLACK_ROWS), bounds)?.bound).toBe('rows');
  });
});

describe('parsePayrollFile row bound', () => {
  it('refuses more worker rows than the bound, after reading within the slack', async () => {
    const bytes = await sheetOfRows(11);
    const err = await parsePayrollFile({ bytes }, { maxRows: 10, maxDecompressedBytes: 1 << 26 }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(PayrollFileError);
    expect(err).toMatchObject({ code: 'TOO_LARGE', bound: 'rows' });
    expect(err.message).toContain('11 worker rows; at most 10');
  });

  it('reads a CSV only up to the bound', async () => {
    const csv = Buffer.from(`身份证号,姓名,工资\n${'1,a,1\n'.repeat(10 + GRID_SLACK_ROWS)}`);
    const err = await parsePayrollFile({ bytes: csv }, { maxRows: 10, maxDecompressedBytes: 1 }).catch(
      (e) => e,
    );
    expect(err).toMatchObject({ code: 'TOO_LARGE', bound: 'rows' });
    expect(err.message).toContain(`more than ${10 + GRID_SLACK_ROWS} rows`);
  });
});
