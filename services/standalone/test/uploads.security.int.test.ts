import { constants, crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, expectProblem, registerProject, residentId } from './api-helpers.ts';
import { startTestSystem, type TestSystem } from './harness.ts';

/**
 * Issue 11 "Uploads and request limits": every payroll file is bounded (decompressed size, rows)
 * before it is read whole, the errors of a response are capped, and files are read in worker
 * threads, so a zip bomb neither stalls the server nor takes its memory.
 */

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MB = 1024 * 1024;

/** Deflates `total` bytes made of `chunk` repeated, without ever holding them in memory. */
async function deflateRepeated(head: string, chunk: string, total: number, tail: string) {
  const deflate = createDeflateRaw({ level: constants.Z_BEST_COMPRESSION });
  const out: Buffer[] = [];
  deflate.on('data', (b: Buffer) => out.push(b));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const block = Buffer.from(chunk.repeat(Math.ceil(MB / chunk.length)));
  let crc = crc32(head);
  deflate.write(head);
  let size = Buffer.byteLength(head);
  while (size < total) {
    const piece = block.subarray(0, Math.min(block.length, total - size));
    crc = crc32(piece, crc);
    size += piece.length;
    if (!deflate.write(piece)) await new Promise((r) => deflate.once('drain', r));
  }
  crc = crc32(tail, crc);
  size += Buffer.byteLength(tail);
  deflate.end(tail);
  await done;
  return { data: Buffer.concat(out), crc, size };
}

type ZipEntry = { name: string; data: Buffer; crc: number; size: number };
const stored = (name: string, text: string): ZipEntry => ({
  name,
  data: deflateRawSync(text),
  crc: crc32(text),
  size: Buffer.byteLength(text),
});

/** A minimal zip writer (deflate entries, central directory), enough for exceljs. */
function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(e.crc >>> 0, 16);
    dir.writeUInt32LE(e.data.length, 20);
    dir.writeUInt32LE(e.size, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    central.push(dir, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** An .xlsx whose one sheet is `rowsXml` × `size` bytes (highly compressible). */
async function workbook(sheet: { chunk: string; size: number }): Promise<Buffer> {
  const head =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
    '<row r="1"><c r="A1" t="inlineStr"><is><t>身份证号</t></is></c><c r="B1" t="inlineStr"><is><t>姓名</t></is></c><c r="C1" t="inlineStr"><is><t>工资</t></is></c></row>';
  const sheetXml = await deflateRepeated(head, sheet.chunk, sheet.size, '</sheetData></worksheet>');
  return zip([
    stored(
      '[Content_Types].xml',
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    ),
    stored(
      '_rels/.rels',
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    ),
    stored(
      'xl/workbook.xml',
      '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="工资表" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ),
    stored(
      'xl/_rels/workbook.xml.rels',
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    ),
    { name: 'xl/worksheets/sheet1.xml', ...sheetXml },
  ]);
}

/** 200 MB of sheet XML: one cell padded with spaces, as in the probe. */
const bomb = () => workbook({ chunk: ' ', size: 200 * MB });

const csv = (lines: string[]) => Buffer.from(`身份证号,姓名,出勤天数,工资,本人签字\n${lines.join('\n')}\n`);

describe.each(['pglite', 'postgres'] as const)('uploads are bounded (%s)', (kind) => {
  let t: TestSystem;
  let pm: TestSystem['api'];
  let projectId: string;
  const path = () => `/v1/projects/${projectId}/payrolls`;
  const sheets = () =>
    count(t, `SELECT count(*) AS n FROM ingest.payroll_sheets WHERE project_id = '${projectId}'`);

  beforeAll(async () => {
    t = await startTestSystem({ kind });
    ({ projectId } = await registerProject(t, 1, { startDate: '2026-01-01', permitDate: '2025-12-01' }));
    pm = t.api.as(t.key('project-manager', { projectIds: [projectId] }));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('refuses an XLSX zip bomb (200 MB of sheet XML) with 413 naming the file and the bound, storing nothing', async () => {
    const bytes = await bomb();
    expect(bytes.length).toBeLessThan(MB); // the probe's bomb: 698 KB
    const res = await pm.upload(path(), { bytes, filename: 'bomb.xlsx', type: XLSX }, { period: '2026-10' });
    expectProblem(res, 413);
    expect(res.body.type).toBe('urn:wagewatch:problem:payload-too-large');
    expect(res.body.detail).toContain('"bomb.xlsx"');
    expect(res.body.detail).toContain('more than 64 MB');
    expect(await sheets()).toBe(0);
  });

  it('refuses an XLSX with more rows than the JSON cap before reading it', async () => {
    const row = '<row><c t="inlineStr"><is><t>x</t></is></c></row>';
    const bytes = await workbook({ chunk: row, size: 22_000 * row.length });
    const res = await pm.upload(path(), { bytes, filename: 'rows.xlsx', type: XLSX }, { period: '2026-10' });
    expectProblem(res, 413);
    expect(res.body.detail).toContain('"rows.xlsx"');
    expect(res.body.detail).toContain('at most 20000 worker rows');
    expect(await sheets()).toBe(0);
  });

  it('refuses a 100,000-line CSV (the 20,000-line cap of JSON payrolls applies to files) and stores nothing', async () => {
    const lines = Array.from(
      { length: 100_000 },
      (_, i) => `${residentId(i % 1000)},工人${i},22,5200.00,已签`,
    );
    const res = await pm.upload(
      path(),
      { bytes: csv(lines), filename: 'big.csv', type: 'text/csv' },
      { period: '2026-10' },
    );
    expectProblem(res, 413);
    expect(res.body.detail).toContain('"big.csv"');
    expect(res.body.detail).toContain('at most 20000 worker rows');
    expect(await sheets()).toBe(0);
  });

  it('refuses a file over 20 MB as uploaded with 413 naming the file and the bound', async () => {
    const bytes = Buffer.alloc(21 * MB, 'a,');
    const res = await pm.upload(
      path(),
      { bytes, filename: 'huge.csv', type: 'text/csv' },
      { period: '2026-10' },
    );
    expectProblem(res, 413);
    expect(res.body.detail).toContain('"huge.csv": the file is larger than 20 MB');
    expect(await sheets()).toBe(0);
  });

  it('answers a 1,000,000-row CSV with a small problem body', async () => {
    const bytes = Buffer.from(`身份证号,姓名,工资\n${'1,a,1\n'.repeat(1_000_000)}`);
    const res = await pm.upload(
      path(),
      { bytes, filename: 'million.csv', type: 'text/csv' },
      { period: '2026-10' },
    );
    expectProblem(res, 413);
    expect(JSON.stringify(res.body).length).toBeLessThan(2000); // was 111 MB
    expect(await sheets()).toBe(0);
  });

  it('lists the first 200 errors of a file with the total count, and stores nothing', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `12345,工人${i},22,5200.00,已签`);
    const res = await pm.upload(
      path(),
      { bytes: csv(lines), filename: 'bad.csv', type: 'text/csv' },
      { period: '2026-10' },
    );
    expectProblem(res, 400);
    expect(res.body.errors).toHaveLength(200);
    expect(res.body.errors[0]).toMatchObject({ row: 2, field: 'idNumber' });
    expect(res.body.totalErrors).toBe(5000);
    expect(JSON.stringify(res.body).length).toBeLessThan(100_000);
    expect(await sheets()).toBe(0);
  });

  it('still stores a good file read in a worker thread', async () => {
    const lines = Array.from({ length: 3 }, (_, i) => `${residentId(i + 1)},工人${i + 1},22,5200.00,已签`);
    const res = await pm.upload(
      path(),
      { bytes: csv(lines), filename: 'good.csv', type: 'text/csv' },
      { period: '2026-10' },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ accepted: 3, rejected: [], totalDue: '15600.00' });
    expect(await sheets()).toBe(1);
  });
});

describe('two concurrent zip bombs (pglite)', () => {
  let t: TestSystem;
  let pm: TestSystem['api'];
  let projectId: string;

  beforeAll(async () => {
    t = await startTestSystem({ kind: 'pglite' });
    ({ projectId } = await registerProject(t, 1, { startDate: '2026-01-01', permitDate: '2025-12-01' }));
    pm = t.api.as(t.key('project-manager', { projectIds: [projectId] }));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  /** Measured here: /health at most ~100 ms, RSS up ~150-250 MB while two bombs are read. */
  const HEALTH_CEILING_MS = 1000;
  const RSS_CEILING_MB = 400;

  it(`keep /health answering within ${HEALTH_CEILING_MS} ms and RSS within ${RSS_CEILING_MB} MB of where it started`, async () => {
    const bytes = await bomb();
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    let slowest = 0;
    let probes = 0;
    let uploading = true;
    const uploads = Promise.all(
      ['a.xlsx', 'b.xlsx'].map((filename) =>
        pm.upload(
          `/v1/projects/${projectId}/payrolls`,
          { bytes, filename, type: XLSX },
          { period: '2026-10' },
        ),
      ),
    ).finally(() => {
      uploading = false;
    });
    while (uploading) {
      const started = performance.now();
      const health = await fetch(`${t.api.baseUrl}/health`, { signal: AbortSignal.timeout(5000) });
      expect(health.status).toBe(200);
      slowest = Math.max(slowest, performance.now() - started);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      probes++;
      await new Promise((r) => setImmediate(r));
    }
    const results = await uploads;
    for (const res of results) expectProblem(res, 413);
    const grewMb = (peakRss - rssBefore) / MB;
    console.info(
      `two bombs: ${probes} /health probes, slowest ${Math.round(slowest)} ms, RSS +${Math.round(grewMb)} MB`,
    );
    expect(probes).toBeGreaterThan(1);
    expect(slowest).toBeLessThan(HEALTH_CEILING_MS);
    expect(grewMb).toBeLessThan(RSS_CEILING_MB);
  }, 30_000);
});
