import { existsSync, readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import type { Block } from './document.ts';

/**
 * Where a CJK font is looked for: WAGEWATCH_PDF_FONT (a .ttf, .otf or .ttc, with
 * WAGEWATCH_PDF_FONT_FACE naming the face of a collection), then Debian's fonts-noto-cjk.
 */
const CANDIDATES: { path: string; face?: string }[] = [
  { path: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', face: 'NotoSerifCJKsc-Regular' },
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
];

export class NoCjkFontError extends Error {
  constructor() {
    super(
      'no CJK font to render the PDF with: install fonts-noto-cjk (Debian) or set WAGEWATCH_PDF_FONT ' +
        '(and WAGEWATCH_PDF_FONT_FACE for a .ttc); the printable page (…/print) works without it',
    );
    this.name = 'NoCjkFontError';
  }
}

export type PdfFont = { data: Buffer; face?: string };
let cached: PdfFont | null | undefined;

/** The font the PDFs are set in, read once (Noto CJK is ~25 MB); undefined when there is none. */
export function pdfFont(env: NodeJS.ProcessEnv = process.env): PdfFont | undefined {
  if (cached !== undefined) return cached ?? undefined;
  const own = env.WAGEWATCH_PDF_FONT
    ? [
        {
          path: env.WAGEWATCH_PDF_FONT,
          ...(env.WAGEWATCH_PDF_FONT_FACE ? { face: env.WAGEWATCH_PDF_FONT_FACE } : {}),
        },
      ]
    : [];
  const found = [...own, ...CANDIDATES].find((c) => existsSync(c.path));
  cached = found ? { data: readFileSync(found.path), ...(found.face ? { face: found.face } : {}) } : null;
  return cached ?? undefined;
}

const MM = 72 / 25.4;

/**
 * An order as an A4 PDF, laid out from the same blocks as the printable page: the text is real
 * text (a subset of the font embedded, with its Unicode map), so it can be searched and copied.
 * `info` is the document's metadata (title, the order number as subject).
 */
export async function orderPdf(
  blocks: readonly Block[],
  info: { title: string; subject: string; created: Date },
  font: PdfFont | undefined = pdfFont(),
): Promise<Buffer> {
  if (!font) throw new NoCjkFontError();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 22 * MM, bottom: 20 * MM, left: 20 * MM, right: 20 * MM },
    info: { Title: info.title, Subject: info.subject, Creator: 'Wagewatch', CreationDate: info.created },
    bufferPages: false,
  });
  doc.registerFont('cjk', font.data, font.face);
  doc.font('cjk');
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });

  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const bottom = () => doc.page.height - doc.page.margins.bottom;

  const table = (b: Extract<Block, { kind: 'table' }>) => {
    const widths = b.columns.map((c) => (c.width / 100) * width);
    const pad = 1.5 * MM;
    doc.fontSize(9.5);
    const rowHeight = (cells: string[]) =>
      Math.max(...cells.map((cell, i) => doc.heightOfString(cell || ' ', { width: widths[i]! - 2 * pad }))) +
      2 * pad;
    const drawRow = (cells: string[], header: boolean) => {
      const h = rowHeight(cells);
      if (doc.y + h > bottom()) {
        doc.addPage();
        if (!header)
          drawRow(
            b.columns.map((c) => c.title),
            true,
          );
      }
      const y = doc.y;
      let x = left;
      cells.forEach((cell, i) => {
        const w = widths[i]!;
        if (header) doc.rect(x, y, w, h).fillAndStroke('#f2f2f2', '#000').fillColor('#000');
        else doc.rect(x, y, w, h).stroke('#000');
        doc.text(cell, x + pad, y + pad, {
          width: w - 2 * pad,
          align: header ? 'center' : (b.columns[i]?.align ?? 'left'),
          lineBreak: true,
        });
        x += w;
      });
      doc.x = left;
      doc.y = y + h;
    };
    doc.lineWidth(0.6);
    drawRow(
      b.columns.map((c) => c.title),
      true,
    );
    const rows = b.rows.length ? b.rows : [['无', ...b.columns.slice(1).map(() => '')]];
    for (const r of rows) drawRow(r, false);
    doc.moveDown(0.6);
  };

  for (const b of blocks) {
    switch (b.kind) {
      case 'authority':
        doc.fontSize(15).text(b.text, left, doc.y, { width, align: 'center' });
        break;
      case 'title':
        doc
          .moveDown(0.3)
          .fontSize(19)
          .text(b.text, left, doc.y, { width, align: 'center', characterSpacing: 1.5 });
        break;
      case 'number':
        doc.moveDown(0.2).fontSize(11).text(b.text, left, doc.y, { width, align: 'center' }).moveDown(1.2);
        break;
      case 'para':
        doc
          .fontSize(11.5)
          .text(b.indent ? `\u3000\u3000${b.text}` : b.text, left, doc.y, { width, lineGap: 4 })
          .moveDown(0.4);
        break;
      case 'caption':
        doc.moveDown(0.3).fontSize(11.5).text(b.text, left, doc.y, { width }).moveDown(0.2);
        break;
      case 'table':
        table(b);
        break;
      case 'sign':
        doc.moveDown(2).fontSize(11.5);
        for (const line of b.lines) doc.text(line, left, doc.y, { width, align: 'right', lineGap: 3 });
        break;
    }
  }
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}
