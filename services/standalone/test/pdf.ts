import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * A PDF as the tests read it, with pdf.js (Mozilla's reader): each page's size in points and its
 * text as a reader would copy it (whitespace removed, since a layout may break a line anywhere).
 */
export async function readPdf(
  bytes: ArrayBuffer | Uint8Array,
): Promise<{ pages: [number, number][]; text: string }> {
  const doc = await getDocument({ data: new Uint8Array(bytes.slice(0)), isEvalSupported: false }).promise;
  const pages: [number, number][] = [];
  const texts: string[] = [];
  try {
    for (let i = 1; i <= doc.numPages; i++) {
      const page = await doc.getPage(i);
      const [, , w = 0, h = 0] = page.view;
      pages.push([Math.round(w), Math.round(h)]);
      const content = await page.getTextContent();
      texts.push(content.items.map((item) => ('str' in item ? item.str : '')).join(''));
    }
  } finally {
    await doc.destroy();
  }
  return { pages, text: texts.join('\n').replace(/\s+/g, '') };
}
