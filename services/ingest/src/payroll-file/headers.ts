// Header recognition for payroll sheets (工资支付表): Chinese and English column titles.

export type ColumnRole =
  | 'id'
  | 'name'
  | 'days'
  | 'gross'
  | 'net'
  | 'amount'
  | 'signed'
  | 'account'
  | 'team'
  | 'bank'
  | 'enrolled'
  | 'left';

const VARIANTS: Record<ColumnRole, string[]> = {
  id: [
    '身份证号',
    '身份证号码',
    '证件号码',
    '证件号',
    '公民身份号码',
    '身份证',
    '身份证件号码',
    'idnumber',
    'idno',
    'idcard',
  ],
  name: ['姓名', '工人姓名', '农民工姓名', '员工姓名', 'name', 'workername'],
  days: ['出勤天数', '出勤', '工作天数', '考勤天数', '出勤日数', 'daysworked', 'days'],
  gross: ['应发工资', '应发金额', '应付工资', '应发合计', 'grossamount', 'gross'],
  net: ['实发工资', '实发金额', '实付工资', '实发', '实发合计', 'netamount', 'net'],
  amount: ['工资', '金额', '工资金额', 'amountdue', 'amount'],
  signed: [
    '本人签字',
    '签字',
    '签字确认',
    '签名',
    '本人签名',
    '确认',
    '工人签字',
    '领款人签字',
    '本人签字确认',
    'signed',
    'signature',
  ],
  account: ['银行卡号', '工资卡号', '银行账号', '卡号', '银行卡号码', '工资卡账号', 'accountno', 'account'],
  team: ['工种', '班组', 'team'],
  // Roster (实名制花名册) columns: a payroll sheet may carry them too, and they are ignored there.
  bank: ['开户银行', '开户行', '银行代码', '发卡银行', 'bankcode', 'bank'],
  enrolled: ['进场日期', '入场日期', '进场时间', '入场时间', '入职日期', '登记日期', 'enrolledon'],
  left: ['退场日期', '离场日期', '退场时间', '离场时间', 'lefton'],
};

const LOOKUP = new Map<string, ColumnRole>();
for (const [role, names] of Object.entries(VARIANTS) as [ColumnRole, string[]][]) {
  for (const n of names) LOOKUP.set(n, role);
}

/** NFKC (full-width → half-width, U+3000 → space), drop bracketed notes like （元）, spaces, underscores, '*', ':' and case. */
export function normalizeHeader(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[([【][^)\]】]*[)\]】]/g, '')
    .replace(/[\s_*:\-.]/g, '')
    .toLowerCase();
}

export function headerRole(text: string): ColumnRole | undefined {
  const n = normalizeHeader(text);
  return n === '' ? undefined : LOOKUP.get(n);
}

export type HeaderMap = {
  columns: Partial<Record<ColumnRole, number>>;
  labels: Partial<Record<ColumnRole, string>>;
};

/** Map each role to the first column (0-based) whose header names it. */
export function mapHeader(cells: string[]): HeaderMap {
  const columns: Partial<Record<ColumnRole, number>> = {};
  const labels: Partial<Record<ColumnRole, string>> = {};
  cells.forEach((text, i) => {
    const role = headerRole(text);
    if (role && columns[role] === undefined) {
      columns[role] = i;
      labels[role] = text.trim();
    }
  });
  return { columns, labels };
}

export const HEADER_HELP: Record<'id' | 'name' | 'amount' | 'account' | 'enrolled', string> = {
  id: 'ID-number column (身份证号码 / 身份证号 / 证件号码 / id_number)',
  name: 'name column (姓名 / 工人姓名 / name)',
  amount: 'amount column (实发工资 / 应发工资 / 工资 / 金额 / amount_due / net_amount)',
  account: 'bank card column (银行卡号 / 工资卡号 / 银行账号 / account_no)',
  enrolled: 'enrolment date column (进场日期 / 入场日期 / enrolled_on)',
};
