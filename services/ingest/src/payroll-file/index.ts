// Reads an uploaded payroll sheet (工资支付表, .xlsx or .csv in UTF-8/GBK) into raw rows.
// No business validation here: values stay text; only file-level and reading problems are reported.

import { luhnValid, residentIdCheckCharOk } from '@wagewatch/domain';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import {
  checkXlsxBounds,
  DEFAULT_PAYROLL_FILE_BOUNDS,
  GRID_SLACK_ROWS,
  type PayrollFileBounds,
} from './bounds.ts';
import { type ColumnRole, HEADER_HELP, type HeaderMap, mapHeader } from './headers.ts';

export { DEFAULT_PAYROLL_FILE_BOUNDS, MAX_PAYROLL_ROWS, type PayrollFileBounds } from './bounds.ts';

export type RawPayrollRow = {
  rowNumber: number;
  idNumber: string;
  name: string;
  daysWorked: string;
  amountDue: string;
  grossAmount?: string;
  signed: string;
  accountNo?: string;
  team?: string;
  /** Roster columns (read when present): 开户银行, 进场日期, 退场日期. */
  bankCode?: string;
  enrolledOn?: string;
  leftOn?: string;
};
/**
 * What the file is: a payroll sheet (工资支付表: ID, name and an amount column required) or a
 * worker roster (实名制花名册: ID, name, bank card and enrolment date required).
 */
export type SheetKind = 'payroll' | 'roster';
export type PayrollFileIssue = { row: number; field: string; message: string };
export type ParsedPayrollFile = {
  format: 'csv' | 'xlsx';
  encoding?: 'utf-8' | 'gbk';
  headerRow: number;
  title?: string;
  period?: string;
  subcontractor?: { name?: string; creditCode?: string };
  rows: RawPayrollRow[];
  issues: PayrollFileIssue[];
  totals?: { rowNumber: number; amountDue?: string; grossAmount?: string };
  sheetName?: string;
};

export type PayrollFileErrorCode =
  | 'EMPTY_FILE'
  | 'UNREADABLE_FILE'
  | 'NO_HEADER'
  | 'MISSING_COLUMN'
  /** Beyond a bound (rows, decompressed size, reading time or memory): `bound` says which. */
  | 'TOO_LARGE';
export type PayrollFileBound = 'rows' | 'decompressed-bytes' | 'time' | 'memory';
export type MissingColumn = 'idNumber' | 'name' | 'amountDue' | 'accountNo' | 'enrolledOn';

export class PayrollFileError extends Error {
  readonly code: PayrollFileErrorCode;
  readonly headerRow?: number;
  readonly column?: MissingColumn;
  readonly bound?: PayrollFileBound;
  constructor(
    code: PayrollFileErrorCode,
    message: string,
    extra?: {
      headerRow?: number;
      column?: MissingColumn;
      bound?: PayrollFileBound;
      cause?: unknown;
    },
  ) {
    super(message, extra?.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'PayrollFileError';
    this.code = code;
    if (extra?.headerRow !== undefined) this.headerRow = extra.headerRow;
    if (extra?.column !== undefined) this.column = extra.column;
    if (extra?.bound !== undefined) this.bound = extra.bound;
  }
}

/** A cell as the user sees it; `num` is set when the stored value was a number. */
type Cell = { text: string; num?: number };
type GridRow = { rowNumber: number; cells: Cell[] };

const HEADER_SCAN_ROWS = 15;

// ---------------------------------------------------------------------------------------------
// entry point

/**
 * Reads a payroll file within `bounds`: an .xlsx is checked entry by entry (decompressed size,
 * rows per sheet) before exceljs opens it, a CSV is read up to the row bound and no further.
 * Synchronous CPU work: the HTTP route runs it in a worker thread (`./reader.ts`).
 */
export async function parsePayrollFile(
  input: { bytes: Buffer; filename?: string; contentType?: string },
  bounds: PayrollFileBounds = DEFAULT_PAYROLL_FILE_BOUNDS,
  kind: SheetKind = 'payroll',
): Promise<ParsedPayrollFile> {
  const bytes = input.bytes;
  if (bytes.length === 0) throw new PayrollFileError('EMPTY_FILE', 'the file is empty');
  const format = detectFormat(bytes, input.filename, input.contentType);
  if (format === 'xlsx') {
    const exceeded = checkXlsxBounds(bytes, bounds);
    if (exceeded) throw new PayrollFileError('TOO_LARGE', exceeded.detail, { bound: exceeded.bound });
    return withinRowBound(await parseXlsx(bytes, kind), bounds);
  }
  const { text, encoding } = decodeText(bytes);
  if (text.trim() === '') throw new PayrollFileError('EMPTY_FILE', 'the file is empty');
  const grid = readCsvGrid(text, bounds.maxRows + GRID_SLACK_ROWS);
  return withinRowBound({ format: 'csv', encoding, ...analyzeGrid(grid, 'the file', kind) }, bounds);
}

function withinRowBound(parsed: ParsedPayrollFile, bounds: PayrollFileBounds): ParsedPayrollFile {
  if (parsed.rows.length > bounds.maxRows) {
    throw new PayrollFileError(
      'TOO_LARGE',
      `the sheet has ${parsed.rows.length} worker rows; at most ${bounds.maxRows} per upload (the same cap as a JSON payroll): split the sheet`,
      { bound: 'rows' },
    );
  }
  return parsed;
}

function startsWith(bytes: Buffer, sig: number[]): boolean {
  return bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);
}

function detectFormat(bytes: Buffer, filename?: string, contentType?: string): 'xlsx' | 'csv' {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'xlsx';
  const name = (filename ?? '').toLowerCase();
  const type = (contentType ?? '').toLowerCase();
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])) {
    throw new PayrollFileError(
      'UNREADABLE_FILE',
      'this is an old Excel .xls file (or a password-protected workbook); open it in Excel, remove any password and save it as .xlsx or CSV',
    );
  }
  const claimsXlsx = /\.(xlsx|xlsm|xls)$/.test(name) || /spreadsheetml|ms-excel/.test(type);
  if (claimsXlsx || looksBinary(bytes)) {
    throw new PayrollFileError(
      'UNREADABLE_FILE',
      'the file is neither an .xlsx workbook nor a CSV text file; save the sheet from Excel as .xlsx or CSV',
    );
  }
  return 'csv';
}

function looksBinary(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 8192);
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return true; // UTF-16
  let control = 0;
  for (const b of head) {
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  return control > head.length / 100;
}

function decodeText(bytes: Buffer): { text: string; encoding: 'utf-8' | 'gbk' } {
  let body = bytes;
  if (startsWith(body, [0xef, 0xbb, 0xbf])) body = body.subarray(3);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    const text = iconv.decode(body, 'gb18030');
    const bad = (text.match(/\uFFFD/g) ?? []).length;
    if (bad > Math.max(2, text.length / 200)) {
      throw new PayrollFileError(
        'UNREADABLE_FILE',
        'the file is neither UTF-8 nor GBK text; save the sheet from Excel as .xlsx or CSV',
      );
    }
    return { text, encoding: 'gbk' };
  }
}

// ---------------------------------------------------------------------------------------------
// CSV

function readCsvGrid(text: string, maxRecords: number): GridRow[] {
  const firstLines = text.split(/\r?\n/, 5).join('\n');
  const tabs = (firstLines.match(/\t/g) ?? []).length;
  const commas = (firstLines.match(/,/g) ?? []).length;
  const delimiter = tabs > commas ? '\t' : ',';
  let records: string[][];
  try {
    records = parseCsv(text, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      trim: true,
      skip_empty_lines: false,
      // One past the bound, to tell "exactly the bound" from "more": the rest is never parsed.
      to: maxRecords + 1,
    }) as string[][];
  } catch (err) {
    throw new PayrollFileError('UNREADABLE_FILE', `the CSV cannot be read: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (records.length > maxRecords) {
    throw new PayrollFileError(
      'TOO_LARGE',
      `the CSV has more than ${maxRecords} rows; at most ${maxRecords - GRID_SLACK_ROWS} worker rows per upload (the same cap as a JSON payroll): split the sheet`,
      { bound: 'rows' },
    );
  }
  return records.map((rec, i) => ({
    rowNumber: i + 1,
    cells: rec.map((t) => ({ text: unwrapExcelText(t) })),
  }));
}

/** ="0123" is how people force Excel to keep a CSV value as text. */
function unwrapExcelText(t: string): string {
  const m = /^="(.*)"$/.exec(t);
  return (m ? (m[1] ?? '') : t).trim();
}

// ---------------------------------------------------------------------------------------------
// XLSX

async function parseXlsx(bytes: Buffer, kind: SheetKind): Promise<ParsedPayrollFile> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as Parameters<typeof wb.xlsx.load>[0]);
  } catch (err) {
    throw new PayrollFileError(
      'UNREADABLE_FILE',
      `the file looks like an .xlsx workbook but cannot be opened (${(err as Error).message}); open it in Excel and save it again as .xlsx`,
      { cause: err },
    );
  }
  const sheets = wb.worksheets.filter((ws) => ws.state !== 'veryHidden');
  if (sheets.length === 0) throw new PayrollFileError('EMPTY_FILE', 'the workbook has no worksheet');
  let firstError: PayrollFileError | undefined;
  let anyContent = false;
  for (const ws of sheets) {
    const grid = readSheetGrid(ws);
    if (grid.length > 0) anyContent = true;
    try {
      return { format: 'xlsx', sheetName: ws.name, ...analyzeGrid(grid, `sheet "${ws.name}"`, kind) };
    } catch (err) {
      if (!(err instanceof PayrollFileError)) throw err;
      // A sheet with a partial header (MISSING_COLUMN) is a better answer than "no header".
      if (!firstError || (firstError.code === 'NO_HEADER' && err.code === 'MISSING_COLUMN')) firstError = err;
    }
  }
  if (!anyContent) throw new PayrollFileError('EMPTY_FILE', 'the workbook has no filled cells');
  throw firstError ?? new PayrollFileError('NO_HEADER', 'no payroll header row found');
}

function readSheetGrid(ws: ExcelJS.Worksheet): GridRow[] {
  const grid: GridRow[] = [];
  const width = ws.columnCount;
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: Cell[] = [];
    for (let c = 1; c <= Math.max(width, row.cellCount); c++) cells.push(xlsxCell(row.getCell(c).value));
    grid.push({ rowNumber, cells });
  });
  return grid;
}

function xlsxCell(value: ExcelJS.CellValue | undefined): Cell {
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'number') return { text: numberText(value), num: value };
  if (typeof value === 'string') return { text: value.trim() };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date)
    return { text: Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10) };
  if (typeof value === 'object') {
    const v = value as unknown as Record<string, unknown>;
    if (Array.isArray(v.richText)) {
      return {
        text: (v.richText as { text?: string }[])
          .map((r) => r.text ?? '')
          .join('')
          .trim(),
      };
    }
    if ('formula' in v || 'sharedFormula' in v) return xlsxCell(v.result as ExcelJS.CellValue | undefined);
    if ('hyperlink' in v || 'text' in v) return xlsxCell(v.text as ExcelJS.CellValue | undefined);
    if ('error' in v) return { text: String(v.error) };
  }
  return { text: String(value).trim() };
}

/** Decimal text without float noise: 5200.499999999999 → '5200.5'. */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? n.toFixed(0) : String(n);
  return String(Number(n.toPrecision(15)));
}

/** How Excel shows a long number: 510402197803150000 → '5.1040219780315E+17'. */
function scientificText(n: number): string {
  const [mant = '', exp = ''] = n.toExponential(14).split('e');
  const m = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
  return `${m}E${exp.startsWith('-') ? exp : `+${exp.replace('+', '')}`}`;
}

// ---------------------------------------------------------------------------------------------
// common: header, title, rows

type Analysis = Omit<ParsedPayrollFile, 'format' | 'encoding' | 'sheetName'>;

const isEmptyRow = (r: GridRow) => r.cells.every((c) => c.text === '');

function analyzeGrid(grid: GridRow[], where: string, kind: SheetKind): Analysis {
  const rows = grid.filter((r) => !isEmptyRow(r));
  if (rows.length === 0) throw new PayrollFileError('EMPTY_FILE', `${where} has no filled rows`);

  // 1. header row: ID + name headers; otherwise the best partial candidate for a clear error.
  let header: { row: GridRow; map: HeaderMap } | undefined;
  let partial: { row: GridRow; map: HeaderMap; score: number } | undefined;
  for (const row of rows.slice(0, HEADER_SCAN_ROWS)) {
    const map = mapHeader(row.cells.map((c) => c.text));
    const cols = map.columns;
    if (cols.id !== undefined && cols.name !== undefined) {
      header = { row, map };
      break;
    }
    const score = Object.keys(cols).length;
    if (
      (cols.id !== undefined || cols.name !== undefined) &&
      score >= 2 &&
      (!partial || score > partial.score)
    ) {
      partial = { row, map, score };
    }
  }
  const found = header ?? partial;
  if (!found) {
    throw new PayrollFileError(
      'NO_HEADER',
      `no header row found in the first ${HEADER_SCAN_ROWS} rows of ${where}: expected a row with an ${HEADER_HELP.id} and a ${HEADER_HELP.name}`,
    );
  }
  const headerRow = found.row.rowNumber;
  const cols = found.map.columns;
  const seen = found.row.cells
    .map((c) => c.text)
    .filter((t) => t !== '')
    .join(', ');
  const missing: [keyof typeof HEADER_HELP, MissingColumn][] =
    kind === 'payroll'
      ? [
          ['id', 'idNumber'],
          ['name', 'name'],
          ['amount', 'amountDue'],
        ]
      : [
          ['id', 'idNumber'],
          ['name', 'name'],
          ['account', 'accountNo'],
          ['enrolled', 'enrolledOn'],
        ];
  const amountCol = cols.net ?? cols.amount ?? cols.gross;
  for (const [role, field] of missing) {
    const present = role === 'amount' ? amountCol !== undefined : cols[role] !== undefined;
    // (the roster's own columns are looked up under their roles below)
    if (!present) {
      throw new PayrollFileError(
        'MISSING_COLUMN',
        `the header row (row ${headerRow}) of ${where} has no ${HEADER_HELP[role]}; its columns are: ${seen}`,
        { headerRow, column: field },
      );
    }
  }
  const grossCol = cols.gross !== undefined && cols.gross !== amountCol ? cols.gross : undefined;

  // 2. rows above the header: title, period, subcontractor
  const above = rows.filter((r) => r.rowNumber < headerRow);
  const result: Analysis = { headerRow, rows: [], issues: [] };
  const rowText = (r: GridRow) => uniqueTexts(r.cells).join(' ');
  const firstAbove = above[0];
  if (firstAbove && firstAbove.rowNumber === 1) result.title = rowText(firstAbove);
  const period =
    (result.title !== undefined ? findPeriod(result.title) : undefined) ??
    above.map((r) => findPeriod(rowText(r))).find((p) => p !== undefined);
  if (period) result.period = period;
  const sub = findSubcontractor(above);
  if (sub) result.subcontractor = sub;

  // 3. worker rows
  const labels = found.map.labels;
  const cell = (r: GridRow, c: number | undefined): Cell | undefined =>
    c === undefined ? undefined : r.cells[c];
  const text = (r: GridRow, c: number | undefined) => cell(r, c)?.text ?? '';
  let afterTotals = false;
  for (const r of rows) {
    if (r.rowNumber <= headerRow) continue;
    if (isTotalsRow(r)) {
      const totals: NonNullable<Analysis['totals']> = { rowNumber: r.rowNumber };
      const amount = text(r, amountCol);
      const gross = text(r, grossCol);
      if (amount !== '') totals.amountDue = amount;
      if (gross !== '') totals.grossAmount = gross;
      result.totals = totals;
      afterTotals = true;
      continue;
    }
    if (isRepeatedHeader(r, cols)) continue;
    const noIdNoAmount = [cols.id, amountCol, grossCol].every((c) => text(r, c) === '');
    if (noIdNoAmount && (afterTotals || FOOTER.test(uniqueTexts(r.cells)[0] ?? ''))) continue; // 制表人 / 审核人 footer
    if (noIdNoAmount && text(r, cols.name) === '') {
      result.issues.push({
        row: r.rowNumber,
        field: 'row',
        message: `row ${r.rowNumber} has no ID number, name or amount and was ignored: ${rowText(r)}`,
      });
      continue;
    }
    const out: RawPayrollRow = {
      rowNumber: r.rowNumber,
      idNumber: '',
      name: text(r, cols.name),
      daysWorked: text(r, cols.days),
      amountDue: text(r, amountCol),
      signed: text(r, cols.signed),
    };
    const id = checkLongNumber(cell(r, cols.id), 'id', labels.id ?? '身份证号码');
    out.idNumber = id.value;
    if (id.problem) result.issues.push({ row: r.rowNumber, field: 'idNumber', message: id.problem });
    if (grossCol !== undefined) out.grossAmount = text(r, grossCol);
    if (cols.account !== undefined) {
      const acc = checkLongNumber(cell(r, cols.account), 'account', labels.account ?? '银行卡号');
      out.accountNo = acc.value;
      if (acc.problem) result.issues.push({ row: r.rowNumber, field: 'accountNo', message: acc.problem });
    }
    if (cols.team !== undefined) out.team = text(r, cols.team);
    if (cols.bank !== undefined) out.bankCode = text(r, cols.bank);
    if (cols.enrolled !== undefined) out.enrolledOn = text(r, cols.enrolled);
    if (cols.left !== undefined) out.leftOn = text(r, cols.left);
    result.rows.push(out);
  }
  return result;
}

function uniqueTexts(cells: Cell[]): string[] {
  const out: string[] = [];
  for (const c of cells) if (c.text !== '' && out[out.length - 1] !== c.text) out.push(c.text); // merged cells repeat
  return out;
}

const FOOTER =
  /^(制表人?|填表人?|填报人?|审核人?|复核人?|审批人?|经办人?|项目负责人|负责人|劳资专管员|项目经理|备注|说明|注)\s*[:：]/;

const TOTALS = /^(本页|本月|本表)?(合计|总计|小计|累计)[:：]?$|^(grand|sub)?totals?[:：]?$/;

function isTotalsRow(r: GridRow): boolean {
  return r.cells
    .slice(0, 3)
    .some((c) => TOTALS.test(c.text.normalize('NFKC').replace(/\s/g, '').toLowerCase()));
}

function isRepeatedHeader(r: GridRow, cols: Partial<Record<ColumnRole, number>>): boolean {
  const h = mapHeader(r.cells.map((c) => c.text)).columns;
  return h.id !== undefined && h.id === cols.id && h.name === cols.name;
}

export function findPeriod(text: string): string | undefined {
  const t = text.normalize('NFKC');
  const patterns = [/(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月/, /(?<!\d)(\d{4})[-./](\d{1,2})(?!\d)/];
  for (const p of patterns) {
    const m = p.exec(t);
    if (!m) continue;
    const year = Number(m[1]);
    const month = Number(m[2]);
    if (year >= 2000 && year <= 2100 && month >= 1 && month <= 12)
      return `${year}-${String(month).padStart(2, '0')}`;
  }
  return undefined;
}

const SUB_LABEL =
  /(劳务分包单位|分包单位|施工单位|用工单位|劳务公司|劳务企业|分包企业|施工企业|班组单位)(名称)?\s*[:：]?\s*/;
const CREDIT_CODE = /(?<![0-9A-Z])[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}(?![0-9A-Z])/;

function findSubcontractor(above: GridRow[]): { name?: string; creditCode?: string } | undefined {
  const sub: { name?: string; creditCode?: string } = {};
  for (const r of above) {
    const texts = uniqueTexts(r.cells).map((t) => t.normalize('NFKC'));
    texts.forEach((t, i) => {
      const m = SUB_LABEL.exec(t);
      if (m && sub.name === undefined) {
        let rest = t.slice(m.index + m[0].length);
        if (rest === '') rest = texts[i + 1] ?? '';
        const name = rest
          .split(/\s|统一社会信用代码|社会信用代码|信用代码|[,;，；]/)[0]
          ?.replace(/[(（]?盖章[)）]?$/, '')
          .trim();
        if (name) sub.name = name;
      }
      const code = CREDIT_CODE.exec(t.toUpperCase());
      if (code && sub.creditCode === undefined) {
        sub.creditCode = code[0];
      }
    });
  }
  return sub.name !== undefined || sub.creditCode !== undefined ? sub : undefined;
}

// ---------------------------------------------------------------------------------------------
// ID and card numbers that went through a number

const SCI = /^[+-]?\d+(\.\d+)?E[+-]?\d+$/i;

function checkLongNumber(
  cell: Cell | undefined,
  kind: 'id' | 'account',
  column: string,
): { value: string; problem?: string } {
  const what = kind === 'id' ? 'the ID number' : 'the bank card number';
  const fix = `format the ${column} column as text in Excel and enter the numbers again`;
  if (!cell) return { value: '' };
  if (cell.num !== undefined) {
    const n = cell.num;
    if (Number.isInteger(n) && Math.abs(n) < 1e15) return { value: n.toFixed(0) }; // exact: nothing lost
    return {
      value: '',
      problem: `${what} was stored as a number (${scientificText(n)}) and its last digits are lost; ${fix}`,
    };
  }
  const text = cell.text.replace(/[\s\u3000]/g, '');
  if (SCI.test(text)) {
    return {
      value: '',
      problem: `${what} was stored as a number (${text}) and its last digits are lost; ${fix}`,
    };
  }
  // Text that was a number once: 18-digit ID ending 000 with a wrong check digit, 19-digit card ending 0000 failing Luhn.
  const zeroed =
    kind === 'id'
      ? /^\d{15}000$/.test(text) && !residentIdCheckCharOk(text)
      : /^\d{15}0000$/.test(text) && !luhnValid(text);
  if (zeroed) {
    return {
      value: '',
      problem: `${what} ${text} ends in zeros and fails its check digit: it was probably stored as a number in Excel and lost its last digits; ${fix}`,
    };
  }
  return { value: cell.text };
}
