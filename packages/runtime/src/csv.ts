/**
 * CSV for people who open it in Excel (issue 14 §2): UTF-8 with a byte-order mark (without it
 * Excel reads Chinese as mojibake), CRLF line ends, every field quoted, quotes doubled. A cell
 * that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is what a spreadsheet would run
 * as a formula (CSV injection, OWASP): it is prefixed with an apostrophe, which Excel shows as text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '""';
  let s = String(value);
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return `"${s.replaceAll('"', '""')}"`;
}

/** A whole file: the header row, then the rows. */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | boolean | null | undefined)[])[],
): string {
  const lines = [header, ...rows].map((r) => r.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
