// Display helpers. Amounts arrive as decimal yuan strings ("12345.60") and are shown as they are,
// grouped, never through a float.

export function yuan(amount: string | null | undefined): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const negative = amount.startsWith('-');
  const [whole = '0', frac = ''] = amount.replace(/^-/, '').split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}¥${grouped}.${(frac + '00').slice(0, 2)}`;
}

export function percent(share: number | null | undefined): string {
  if (share === null || share === undefined) return '—';
  return `${(share * 100).toFixed(1)}%`;
}

/** An instant shown as a date and time in Asia/Shanghai (where every calendar date is derived). */
export function shanghai(instant: string | null | undefined): string {
  if (!instant) return '—';
  return new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(instant));
}

/** Worst first: D (red), C (orange), B (yellow), A (green); no grade grey. */
export const GRADE_COLOUR: Record<string, string> = {
  D: 'var(--ww-grade-d)',
  C: 'var(--ww-grade-c)',
  B: 'var(--ww-grade-b)',
  A: 'var(--ww-grade-a)',
};
export const gradeColour = (g: string | null | undefined) => (g && GRADE_COLOUR[g]) || 'var(--ww-grade-none)';
/** Text on a grade's colour: dark on yellow, white on the others (WCAG AA contrast). */
export const gradeText = (g: string | null | undefined) => (g === 'B' ? '#1f2329' : '#ffffff');
