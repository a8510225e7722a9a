// A row problem as the project manager reads it: the server names fields in English (idNumber)
// and writes its messages in English; the console shows the sheet's own column names (身份证号码)
// and, for the messages it knows, Chinese — the server's text stays beside it (title), so nothing
// is lost when a message is new.

/** The sheet's column names (as in services/ingest/src/payroll-file/headers.ts). */
export const FIELD_NAMES: Record<string, { zh: string; en: string }> = {
  idNumber: { zh: '身份证号码', en: 'ID number' },
  name: { zh: '姓名', en: 'Name' },
  daysWorked: { zh: '出勤天数', en: 'Days worked' },
  amountDue: { zh: '实发工资', en: 'Net pay' },
  grossAmount: { zh: '应发工资', en: 'Gross pay' },
  signed: { zh: '本人签字', en: 'Signature' },
  accountNo: { zh: '银行卡号', en: 'Card number' },
  bankCode: { zh: '开户银行', en: 'Bank' },
  team: { zh: '班组', en: 'Team' },
  subcontractor: { zh: '分包单位', en: 'Subcontractor' },
  enrolledOn: { zh: '进场日期', en: 'Start date' },
  leftOn: { zh: '退场日期', en: 'Leaving date' },
  period: { zh: '工资所属期', en: 'Period' },
  reason: { zh: '更正原因', en: 'Reason' },
  file: { zh: '文件', en: 'File' },
  row: { zh: '整行', en: 'Row' },
};

export function fieldName(field: string, locale: string): string {
  const f = FIELD_NAMES[field];
  if (!f) return field;
  return locale.startsWith('zh') ? f.zh : f.en;
}

/** Known English messages (their stable part) and what a clerk reads instead. */
const MESSAGES: [RegExp, string][] = [
  [
    /needs a reason/i,
    '应发日期已过：本版降低了工人的应发工资或漏列了工人，属于更正申请，须填写更正原因，由区域监察员审批；尚未保存任何内容',
  ],
  [
    /until an inspector of the district approves/i,
    '应发日期已过：更正申请待区域监察员审批，在此之前原版本及相关问题继续有效',
  ],
  [/is not a valid resident ID number/i, '不是有效的身份证号码'],
  [/check digit/i, '身份证号码校验位错误'],
  [/is not registered on project/i, '该工人未在本项目实名登记：本行会被接收，但在登记前无法从专户发放'],
  [/appears twice/i, '在本表中重复出现'],
  [/must be greater than zero/i, '必须大于零'],
  [/is not an amount/i, '不是有效的金额（元）'],
  [/must be a decimal string in yuan/i, '须为以元为单位的金额，如 5200.00'],
  [/is not a date/i, '不是有效日期（如 2026-11-02）'],
  [/must be a number of days/i, '出勤天数须为 0 到 31'],
  [/must be YYYY-MM/i, '须为年月 YYYY-MM'],
  [/is in the future/i, '尚未开始'],
  [/is before the project start/i, '早于项目开工'],
  [/has no ID number, name or amount/i, '缺少身份证号码、姓名或金额，已忽略'],
  [/no worker rows/i, '文件中没有工人行'],
  [/must contain only digits/i, '只能包含数字（可含空格和连字符）'],
  [/card|account number/i, '银行卡号无效'],
  [/required|is missing|^missing/i, '必填'],
  [/must be text/i, '须为文字'],
];

export function issueMessage(message: string, locale: string): string {
  if (!locale.startsWith('zh')) return message;
  for (const [pattern, zh] of MESSAGES) if (pattern.test(message)) return zh;
  return message;
}
