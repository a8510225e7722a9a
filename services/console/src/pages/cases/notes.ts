// The inspection service writes its case-history and task notes in English, from a handful of
// templates (packages/domain/src/cases/{lifecycle,ladder}.ts, services/inspection/src/cases/
// {repository,closing-routes}.ts, justifications/routes.ts). An inspector reads them in Chinese:
// each known template is rewritten with its values kept; a person's own words (a reason) pass
// through; an unknown note is shown as it is, and the page keeps the server's text in `title`,
// so nothing is lost when a template is new. Mirrors pages/pm/issues.ts for the payroll rows.

type Rewrite = [RegExp, (...groups: string[]) => string];

const OUTCOME_ZH: Record<string, string> = {
  'wages verified as paid (已核实支付)': '已核实支付',
  'not a breach (不构成违法)': '不构成违法',
  'transferred to another authority (移送处理)': '移送处理',
  'other (其他)': '其他',
};

/** Longest, most specific first; each rewrites the whole note. */
const REWRITES: Rewrite[] = [
  [
    /^opened on (\d+) open finding\(s\); routed to (.+?)( and (?!the police liaison)(.+?))?( and the police liaison)?$/,
    (n, team, _a, co, police) =>
      `因 ${n} 个未处置问题立案；分派至${team === '(district unknown)' ? '（区域未知）' : team}${co ? `、${co}` : ''}${police ? '及公安联络员' : ''}`,
  ],
  [
    /^reopened \(cycle (\d+)\): (\d+) new open finding\(s\) beside the (\d+) its closing covered$/,
    (c, fresh, covered) =>
      `重新立案（第 ${c} 轮）：新增 ${fresh} 个未处置问题（另有 ${covered} 个已在结案时核销）`,
  ],
  [
    /^reopened \(cycle (\d+)\): (\d+) open finding\(s\)$/,
    (c, n) => `重新立案（第 ${c} 轮）：${n} 个未处置问题`,
  ],
  [
    /^reopened \(cycle (\d+)\): ([\s\S]+); verification task due (\d{4}-\d{2}-\d{2})$/,
    (c, reason, due) => `重新立案（第 ${c} 轮）：${reason}；核查任务期限 ${due}`,
  ],
  [
    /^verification after (.+?) reopened the case: ([\s\S]+); due (\d{4}-\d{2}-\d{2})(; [\s\S]+)?$/,
    (by, reason, due, warning) => `${by} 重新立案后的核查：${reason}；期限 ${due}${warning ?? ''}`,
  ],
  [/^every finding resolved and every task done$/, () => '问题均已解决，任务均已完成'],
  [
    /^(劳动保障监察责令改正指令书|涉嫌拒不支付劳动报酬案件移送书) (\S+): (\d+) finding\(s\), (\d+) worker\(s\), ¥([\d.]+) outstanding(; to be corrected by (\d{4}-\d{2}-\d{2}) \((\d+) working days\))?(; [\s\S]+)?$/,
    (title, no, n, workers, owed, _d, by, days, warning) =>
      `${title} ${no}：问题 ${n} 项，涉及 ${workers} 人，欠付 ¥${owed}${by ? `；限 ${by} 前改正（${days} 个工作日）` : ''}${warning ?? ''}`,
  ],
  [
    /^(\S+) acknowledged by (.+?)(: ([\s\S]+))?$/,
    (no, by, _n, text) => `${no} 已由 ${by} 签收${text ? `：${text}` : ''}`,
  ],
  [
    /^working day (\d+) after the due date (\d{4}-\d{2}-\d{2})$/,
    (n, d) => (n === '0' ? `应发日期 ${d} 当日` : `应发日期 ${d} 后第 ${n} 个工作日`),
  ],
  [/^(\d+) periods unpaid \((.+)\)$/, (n, periods) => `连续 ${n} 个月未发放（${periods}）`],
  [
    /^the criminal threshold of refusal to pay is reached \(拒不支付劳动报酬罪\): police liaison$/,
    () => '达到拒不支付劳动报酬罪立案标准：公安联络员介入',
  ],
  [
    /^team (.+?); co-regulator (.+?)(; referred to the police liaison \(刑事司法联动\))?$/,
    (team, co, police) =>
      `承办区域 ${team === '(unknown)' ? '（未知）' : team}；协同部门 ${co === 'none' ? '无' : co}${police ? '；移送公安联络员（刑事司法联动）' : ''}`,
  ],
  [
    /^winter campaign (\S+): to be closed before the Spring Festival, by (\d{4}-\d{2}-\d{2}); wage findings count one severity step higher$/,
    (season, eve) => `冬季专项行动 ${season}：须在春节前（${eve} 前）结案；工资类问题严重程度上调一级`,
  ],
  [
    /^opened by the escalation ladder; due (\d{4}-\d{2}-\d{2})(; [\s\S]+)?$/,
    (due, warning) => `按升级阶梯生成；期限 ${due}${warning ?? ''}`,
  ],
  [
    /^([\s\S]+) \(critical case: a pause until (\d{4}-\d{2}-\d{2}) awaits a second person's confirmation; the ladder keeps moving\)$/,
    (reason, until) => `${reason}（严重案件：暂停至 ${until} 须由第二人复核确认，期间继续升级）`,
  ],
  [
    /^([\s\S]+?)( \(proposed by (.+?)\))?( \(ladder paused until (\d{4}-\d{2}-\d{2})\))$/,
    (reason, _p, by, _l, until) => `${reason}${by ? `（${by} 提议）` : ''}（暂停升级至 ${until}）`,
  ],
  [/^([\s\S]+?) \(proposed by (.+?)\)$/, (reason, by) => `${reason}（${by} 提议）`],
  [
    /^(wages verified as paid \(已核实支付\)|not a breach \(不构成违法\)|transferred to another authority \(移送处理\)|other \(其他\)): ([\s\S]+?)( \((\d+) open finding\(s\) covered: they do not reopen the case\))?(; (\d+) task\(s\) closed with it)?$/,
    (outcome, reason, _c, covered, _t, tasks) =>
      `${OUTCOME_ZH[outcome] ?? outcome}：${reason}${covered ? `（${covered} 个未处置问题随结案核销，不再触发重新立案）` : ''}${tasks ? `；${tasks} 个任务随案件关闭` : ''}`,
  ],
];

/** `wages-missed × 2, payroll-missing × 1` → `工资未按时发放 × 2，未报送工资表 × 1`. */
const ATTACHED = /^([a-z-]+ × \d+)(, [a-z-]+ × \d+)*$/;

/** A note of the case history or a task's trail as an inspector reads it in `locale`. */
export function noteText(
  note: string | null | undefined,
  locale: string,
  rule: (code: string) => string = (code) => code,
): string {
  if (!note) return '';
  if (!locale.startsWith('zh')) return note;
  if (ATTACHED.test(note)) {
    return note
      .split(', ')
      .map((part) => {
        const [code = part, n = ''] = part.split(' × ');
        return `${rule(code)} × ${n}`;
      })
      .join('，');
  }
  for (const [pattern, rewrite] of REWRITES) {
    const m = pattern.exec(note);
    if (m) return rewrite(...m.slice(1).map((g) => g ?? ''));
  }
  return note;
}
