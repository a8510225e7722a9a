import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv.ts';

describe('CSV for Excel', () => {
  it('starts with a BOM, ends lines with CRLF, quotes every field and doubles quotes', () => {
    expect(
      toCsv(
        ['项目', '金额'],
        [
          ['东区"甲"项目', '1200.00'],
          ['乙', null],
        ],
      ),
    ).toBe('\uFEFF"项目","金额"\r\n"东区""甲""项目","1200.00"\r\n"乙",""\r\n');
  });

  it('neutralises cells a spreadsheet would run as a formula', () => {
    for (const attack of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])
      expect(csvCell(attack).startsWith(`"'`)).toBe(true);
    expect(csvCell('a=b')).toBe('"a=b"');
    // Numbers are numbers, not text that starts with a minus.
    expect(csvCell(-5)).toBe('"-5"');
  });

  it('keeps commas and line breaks inside a quoted field', () => {
    expect(csvCell('a,b\nc')).toBe('"a,b\nc"');
  });
});
