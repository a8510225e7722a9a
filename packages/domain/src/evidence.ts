/**
 * How a finding names the records that prove it (`evidence`): references an inspector can look up
 * with the bank (its own reference of a movement or deposit event, its statement of an account
 * and day) or in the project's payroll history (the sheet and its version), never an internal id.
 *
 * | reference                                            | the record                                  |
 * | ---------------------------------------------------- | ------------------------------------------- |
 * | `bank-transfer:<bankCode>:<bankRef>`                 | a movement of the wage account (or another) |
 * | `bank-statement:<bankCode>:<accountNo>:<YYYY-MM-DD>` | the bank's end-of-day statement             |
 * | `payroll-sheet:<sheetId>:v<version>`                 | a version of a payroll sheet                |
 * | `bank-deposit:<bankCode>:<bankRef>`                  | an event of the wage-guarantee deposit      |
 *
 * Bank codes and sheet ids hold no `:`; a bankRef may (it is everything after the bank code).
 */
export const evidenceRef = {
  transfer: (bankCode: string, bankRef: string) => `bank-transfer:${bankCode}:${bankRef}`,
  statement: (bankCode: string, accountNo: string, date: string) =>
    `bank-statement:${bankCode}:${accountNo}:${date}`,
  payrollSheet: (sheetId: string, version: number) => `payroll-sheet:${sheetId}:v${version}`,
  deposit: (bankCode: string, bankRef: string) => `bank-deposit:${bankCode}:${bankRef}`,
} as const;

export type EvidenceRef =
  | { kind: 'bank-transfer'; bankCode: string; bankRef: string }
  | { kind: 'bank-statement'; bankCode: string; accountNo: string; date: string }
  | { kind: 'payroll-sheet'; sheetId: string; version: number }
  | { kind: 'bank-deposit'; bankCode: string; bankRef: string };

/** Reads a reference back; undefined for anything else (e.g. an event id of an older finding). */
export function parseEvidenceRef(ref: string): EvidenceRef | undefined {
  const [kind, a, ...rest] = ref.split(':');
  if (a === undefined || rest.length === 0) return undefined;
  switch (kind) {
    case 'bank-transfer':
    case 'bank-deposit':
      return { kind, bankCode: a, bankRef: rest.join(':') };
    case 'bank-statement': {
      const [accountNo, date, ...extra] = rest;
      if (!accountNo || !date || extra.length) return undefined;
      return { kind, bankCode: a, accountNo, date };
    }
    case 'payroll-sheet': {
      const m = rest.length === 1 ? /^v([1-9]\d*)$/.exec(rest[0] ?? '') : null;
      return m ? { kind, sheetId: a, version: Number(m[1]) } : undefined;
    }
    default:
      return undefined;
  }
}
