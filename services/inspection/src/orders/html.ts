import type { Block } from './document.ts';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function block(b: Block): string {
  switch (b.kind) {
    case 'authority':
      return `<p class="authority">${esc(b.text)}</p>`;
    case 'title':
      return `<h1>${esc(b.text)}</h1>`;
    case 'number':
      return `<p class="number">${esc(b.text)}</p>`;
    case 'para':
      return `<p class="${b.indent ? 'indent' : ''}">${esc(b.text)}</p>`;
    case 'caption':
      return `<h2>${esc(b.text)}</h2>`;
    case 'table':
      return `<table><colgroup>${b.columns.map((c) => `<col style="width:${c.width}%">`).join('')}</colgroup>
<thead><tr>${b.columns.map((c) => `<th>${esc(c.title)}</th>`).join('')}</tr></thead>
<tbody>${
        b.rows.length
          ? b.rows
              .map(
                (r) =>
                  `<tr>${r.map((cell, i) => `<td class="${b.columns[i]?.align ?? ''}">${esc(cell)}</td>`).join('')}</tr>`,
              )
              .join('\n')
          : `<tr><td colspan="${b.columns.length}" class="center">无</td></tr>`
      }</tbody></table>`;
    case 'sign':
      return `<div class="sign">${b.lines.map((l) => `<p>${esc(l)}</p>`).join('')}</div>`;
  }
}

/**
 * An order as a printable A4 page: the browser's print (Ctrl+P) gives the paper the bureau signs
 * and seals; the toolbar is not printed. Served with a CSP that allows no script.
 */
export function orderHtml(title: string, blocks: readonly Block[], pdfHref: string): string {
  return documentHtml(title, blocks, [{ href: pdfHref, label: '下载 PDF' }]);
}

/** Any of the bureau's documents as a printable A4 page, with download links above it (not printed). */
export function documentHtml(
  title: string,
  blocks: readonly Block[],
  links: { href: string; label: string }[],
): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
@page { size: A4; margin: 22mm 20mm 20mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", serif; font-size: 12pt; line-height: 1.7;
  color: #000; background: #fff; margin: 0 auto; max-width: 170mm; }
.toolbar { font-family: "Noto Sans CJK SC", sans-serif; font-size: 10.5pt; padding: 8px 0; border-bottom: 1px solid #ccc;
  margin-bottom: 12mm; }
.toolbar a { color: #0b57d0; margin-right: 16px; }
.authority { text-align: center; font-size: 16pt; font-weight: bold; margin: 0; letter-spacing: .1em; }
h1 { text-align: center; font-size: 20pt; margin: 4mm 0 2mm; letter-spacing: .15em; }
.number { text-align: center; margin: 0 0 8mm; }
h2 { font-size: 12pt; margin: 5mm 0 2mm; }
p { margin: 2mm 0; }
p.indent { text-indent: 2em; }
table { width: 100%; border-collapse: collapse; font-size: 10.5pt; line-height: 1.4; margin: 2mm 0 4mm; page-break-inside: auto; }
tr { page-break-inside: avoid; }
thead { display: table-header-group; }
th, td { border: 1px solid #000; padding: 1.5mm 2mm; vertical-align: top; word-break: break-all; }
th { font-weight: bold; background: #f2f2f2; }
td.right { text-align: right; font-variant-numeric: tabular-nums; }
td.center { text-align: center; }
.sign { margin-top: 14mm; text-align: right; }
.sign p { margin: 1mm 0; }
@media print { .toolbar { display: none; } body { max-width: none; } }
</style>
</head>
<body>
<nav class="toolbar"><span>打印：浏览器菜单 → 打印（A4）</span> ${links.map((l) => `<a href="${esc(l.href)}">${esc(l.label)}</a>`).join(' ')}</nav>
${blocks.map(block).join('\n')}
</body>
</html>
`;
}
