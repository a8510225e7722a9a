// What an uploaded payroll file may hold before it is read whole: checked on the raw bytes, so a
// zip bomb or a million-row CSV is refused before exceljs or csv-parse builds anything from it.
import { inflateRawSync } from 'node:zlib';

export type PayrollFileBounds = {
  /** Worker rows on one sheet: the same cap as the `lines` of a JSON payroll. */
  maxRows: number;
  /** Decompressed bytes of all the entries of an .xlsx (sheet XML, shared strings, styles…). */
  maxDecompressedBytes: number;
};

/** The JSON payroll's `lines` cap (routes.ts) applies to files too. */
export const MAX_PAYROLL_ROWS = 20_000;

export const DEFAULT_PAYROLL_FILE_BOUNDS: PayrollFileBounds = {
  maxRows: MAX_PAYROLL_ROWS,
  // A 20,000-row sheet from Excel is 5-15 MB of XML; four times that is still a payroll.
  maxDecompressedBytes: 64 * 1024 * 1024,
};

/**
 * Rows above the header, blank lines, a totals row and footers: a grid may hold this many rows
 * besides the worker rows before it is refused unread.
 */
export const GRID_SLACK_ROWS = 1000;

export type BoundExceeded = { bound: 'rows' | 'decompressed-bytes'; detail: string };

const MB = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/**
 * Walks the zip's central directory and inflates each entry with a hard output limit (zlib stops
 * at the bound: a 200 MB sheet costs the bound, not 200 MB), counting the `<row` elements of each
 * worksheet. Declared sizes are not trusted. Returns the first bound exceeded, or undefined.
 * A zip this cannot walk is left to exceljs, which reports it as unreadable.
 */
export function checkXlsxBounds(bytes: Buffer, bounds: PayrollFileBounds): BoundExceeded | undefined {
  const eocd = findEndOfCentralDirectory(bytes);
  if (eocd < 0) return undefined;
  const entries = bytes.readUInt16LE(eocd + 10);
  let p = bytes.readUInt32LE(eocd + 16);
  let total = 0;
  const rowLimit = bounds.maxRows + GRID_SLACK_ROWS;
  for (let i = 0; i < entries; i++) {
    if (p + 46 > bytes.length || bytes.readUInt32LE(p) !== 0x02014b50) return undefined;
    const method = bytes.readUInt16LE(p + 10);
    const compressedSize = bytes.readUInt32LE(p + 20);
    const declaredSize = bytes.readUInt32LE(p + 24);
    const nameLength = bytes.readUInt16LE(p + 28);
    const extraLength = bytes.readUInt16LE(p + 30);
    const commentLength = bytes.readUInt16LE(p + 32);
    const localOffset = bytes.readUInt32LE(p + 42);
    const name = bytes.toString('utf8', p + 46, p + 46 + nameLength);
    p += 46 + nameLength + extraLength + commentLength;
    const remaining = bounds.maxDecompressedBytes - total;
    const tooBig: BoundExceeded = {
      bound: 'decompressed-bytes',
      detail: `the workbook unpacks to more than ${MB(bounds.maxDecompressedBytes)} (at "${name}"); at most ${MB(bounds.maxDecompressedBytes)} per upload: split the sheet or remove what is not the payroll`,
    };
    if (declaredSize > remaining) return tooBig;
    if (localOffset + 30 > bytes.length || bytes.readUInt32LE(localOffset) !== 0x04034b50) return undefined;
    const start =
      localOffset + 30 + bytes.readUInt16LE(localOffset + 26) + bytes.readUInt16LE(localOffset + 28);
    const data = bytes.subarray(start, start + compressedSize);
    let content: Buffer;
    if (method === 0) content = data;
    else if (method === 8) {
      try {
        content = inflateRawSync(data, { maxOutputLength: Math.max(1, remaining) });
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return tooBig;
        return undefined;
      }
    } else return undefined;
    if (content.length > remaining) return tooBig;
    total += content.length;
    if (/^xl\/worksheets\/[^/]+\.xml$/i.test(name)) {
      const rows = countRowElements(content, rowLimit + 1);
      if (rows > rowLimit) {
        return {
          bound: 'rows',
          detail: `worksheet "${name}" has more than ${rowLimit} rows; at most ${bounds.maxRows} worker rows per upload (the same cap as a JSON payroll): split the sheet`,
        };
      }
    }
  }
  return undefined;
}

function findEndOfCentralDirectory(bytes: Buffer): number {
  const min = Math.max(0, bytes.length - 22 - 0xffff);
  for (let i = bytes.length - 22; i >= min; i--) if (bytes.readUInt32LE(i) === 0x06054b50) return i;
  return -1;
}

/** `<row ` / `<row>` (and `<x:row …>` with a namespace prefix), counted up to `stopAt`. */
function countRowElements(xml: Buffer, stopAt: number): number {
  let count = 0;
  let i = xml.indexOf('row', 0, 'latin1');
  while (i >= 0 && count < stopAt) {
    const before = xml[i - 1];
    const after = xml[i + 3];
    const opens = before === 0x3c /* < */ || (before === 0x3a /* : */ && isPrefixedTag(xml, i - 1));
    if (opens && (after === 0x20 || after === 0x3e || after === 0x09 || after === 0x0a || after === 0x0d))
      count++;
    i = xml.indexOf('row', i + 3, 'latin1');
  }
  return count;
}

function isPrefixedTag(xml: Buffer, colon: number): boolean {
  for (let j = colon - 1; j >= 0 && colon - j < 16; j--) {
    const c = xml[j];
    if (c === 0x3c) return j < colon - 1 && xml[j + 1] !== 0x2f; // `<x:` but not `</x:`
    if (
      c === undefined ||
      !((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39))
    )
      return false;
  }
  return false;
}
