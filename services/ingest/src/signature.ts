// The 本人签字 / signed column of a payroll line, as JSON bodies and uploaded sheets carry it.
// One reader for both, so a sheet accepted as a file is accepted as JSON and the reverse.

/** Marks and words meaning "the worker signed" (compared after NFKC, without spaces, lower case). */
const SIGNED = new Set([
  'true',
  'yes',
  'y',
  '1',
  'ok',
  '是',
  '签',
  '已签',
  '已签字',
  '已签名',
  '已确认',
  '√',
  '✓',
  '✔',
]);

/** Marks and words meaning "not signed"; an empty cell too. */
const UNSIGNED = new Set([
  '',
  'false',
  'no',
  'n',
  '0',
  '否',
  '无',
  '未签',
  '未签字',
  '未签名',
  '没签',
  '待签',
  '拒签',
  '不签',
  '未确认',
  '×',
  '✗',
  '✘',
  'x',
]);

export type Signature = { ok: true; signed: boolean } | { ok: false; reason: string };

/** NFKC (full-width → half-width), no spaces (U+3000 included), one middle dot, lower case. */
function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\s\u3000]/g, '')
    .replace(/[•・‧∙⋅]/g, '·')
    .toLowerCase();
}

// A name written in the column: Han characters (a minority name may have a middle dot), or
// latin words (two or more). Signature words (签, 未, 不 …) are no names.
const HAN_NAME = /^\p{Script=Han}[\p{Script=Han}·]{0,14}\p{Script=Han}$/u;
const SIGNATURE_WORD = /[签未没不待拒否无确认]/;
const LATIN_NAME = /^\p{Script=Latin}+(?:[ .'-]+\p{Script=Latin}+)+$/u;

function looksLikeName(text: string): boolean {
  const t = text.normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (LATIN_NAME.test(t)) return true;
  const compact = normalize(t);
  return HAN_NAME.test(compact) && !SIGNATURE_WORD.test(compact);
}

const HELP =
  "write the worker's name, 已签 / 是 / ✔ / true when signed, or leave it empty / 未签 / 否 / × / false when not";

/**
 * Reads a line's signature. Signed: true, "true", "yes", "y", "1", 是, 签, 已签, 已签字, ✔ ✓ √ …
 * or the worker's own name. Unsigned: false, "false", "no", "0", empty, 否, 未签, × ✗ x …
 * Another person's name is refused: only the worker confirms what they were paid (Decree 724
 * Art 31); so is anything else, with a reason naming what was found.
 */
export function parseSignature(raw: unknown, workerName: string | undefined): Signature {
  if (raw === undefined || raw === null) return { ok: true, signed: false };
  if (typeof raw === 'boolean') return { ok: true, signed: raw };
  if (raw === 1 || raw === 0) return { ok: true, signed: raw === 1 };
  if (typeof raw !== 'string')
    return { ok: false, reason: `${JSON.stringify(raw)} is not a signature: ${HELP}` };
  const key = normalize(raw);
  if (SIGNED.has(key)) return { ok: true, signed: true };
  if (UNSIGNED.has(key)) return { ok: true, signed: false };
  const worker = workerName?.trim() ?? '';
  if (worker !== '' && normalize(worker) === key) return { ok: true, signed: true };
  const written = raw.trim();
  if (looksLikeName(written)) {
    return {
      ok: false,
      reason:
        worker === ''
          ? `signed by ${written}, but the line has no worker name to check it against`
          : `signed by ${written}, not the worker ${worker}: only the worker's own signature confirms the line`,
    };
  }
  return { ok: false, reason: `"${written}" is not a signature: ${HELP}` };
}
