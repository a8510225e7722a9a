/**
 * A task's SLA countdown: calendar days from the system's today (taken from the API's answer, the
 * injected clock's date in Asia/Shanghai — never the browser's clock) to its due date. Both are
 * YYYY-MM-DD; the difference is counted on the dates alone, so no time zone enters.
 */
export type Countdown = { kind: 'left' | 'today' | 'overdue' | 'done'; days: number };

const dayNumber = (date: string): number => {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1) / 86_400_000;
};

export function countdown(today: string, dueOn: string, terminal: boolean): Countdown {
  if (terminal) return { kind: 'done', days: 0 };
  const days = dayNumber(dueOn) - dayNumber(today);
  if (days > 0) return { kind: 'left', days };
  if (days === 0) return { kind: 'today', days: 0 };
  return { kind: 'overdue', days: -days };
}

export const isTerminal = (status: string) => status === 'resolved' || status === 'closed';
