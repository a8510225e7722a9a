/**
 * The one list of rule codes (DOMAIN.md "Monitoring rules"), with each rule's severity, legal
 * basis and place in the table. Everything else derives from here: the payment and deposit rule
 * types, the contracts' zod enum (`@wagewatch/contracts` `RULES`), the deposit policy's arrears
 * rules. Adding a code without its definition fails to compile (`satisfies` below).
 */

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Rules 1-9 and 14: the ledger's (payments and payroll). */
export const PAYMENT_RULE_CODES = [
  'wages-missed',
  'wages-late',
  'wages-short',
  'wrong-payee',
  'paid-outside-account',
  'payroll-missing',
  'payroll-unsigned',
  'feed-incomplete',
  'labour-cost-missing',
  'balance-short',
  'arrears-growing',
] as const;
export type PaymentRule = (typeof PAYMENT_RULE_CODES)[number];

/** Rules 10-13: the deposits service's. */
export const DEPOSIT_RULE_CODES = [
  'deposit-missing',
  'deposit-short',
  'guarantee-expiring',
  'deposit-not-topped-up',
] as const;
export type DepositRule = (typeof DEPOSIT_RULE_CODES)[number];

/**
 * Inspection's own, not derived from any feed: what a worker reports (欠薪线索, issue 14 §5) and
 * what an inspector finds on a routine patrol (日常巡查, §4).
 */
export const INSPECTION_RULE_CODES = ['worker-complaint', 'patrol-finding'] as const;
export type InspectionRule = (typeof INSPECTION_RULE_CODES)[number];

/** Every rule code, in the order the API has always listed them (deposits first, then the ledger's, then inspection's). */
export const RULE_CODES = [...DEPOSIT_RULE_CODES, ...PAYMENT_RULE_CODES, ...INSPECTION_RULE_CODES] as const;
export type RuleCode = (typeof RULE_CODES)[number];

export type RuleDefinition = {
  /** The row of DOMAIN.md's "Monitoring rules" table; null for a rule outside it (a worker's complaint). */
  domainRule: number | null;
  /** Its name in Chinese, as the bureau and the workers read it (exports, the worker's page). */
  nameZh: string;
  severity: Severity;
  legalBasis: string;
};

const D65 = '人社部发〔2021〕65号 (工资保证金管理暂行办法)';
const D724 = '保障农民工工资支付条例 (Decree 724)';

export const RULE_DEFINITIONS = {
  'wages-missed': {
    nameZh: '未发放工资',
    domainRule: 1,
    severity: 'high',
    legalBasis: `${D724} Art 12-14; 工资支付暂行规定 Art 7`,
  },
  'wages-late': {
    nameZh: '工资延迟发放',
    domainRule: 2,
    severity: 'medium',
    legalBasis: `${D724} Art 12-14; 劳部发〔1995〕226号 (无故拖欠)`,
  },
  'wages-short': {
    nameZh: '工资未足额发放',
    domainRule: 3,
    severity: 'high',
    legalBasis: `${D724} Art 12; 克扣 (劳部发〔1995〕226号)`,
  },
  'wrong-payee': {
    nameZh: '收款人与花名册不符',
    domainRule: 4,
    severity: 'high',
    legalBasis: `${D724} Art 11, 26, 31`,
  },
  'paid-outside-account': {
    nameZh: '未通过专用账户发放',
    domainRule: 5,
    severity: 'medium',
    legalBasis: `${D724} Art 26, 31`,
  },
  'payroll-missing': {
    nameZh: '未报送工资表',
    domainRule: 6,
    severity: 'medium',
    legalBasis: `${D724} Art 31`,
  },
  'payroll-unsigned': {
    nameZh: '工资表未经本人签字确认',
    domainRule: 6,
    severity: 'low',
    legalBasis: `${D724} Art 31`,
  },
  'labour-cost-missing': {
    nameZh: '人工费用未按时拨付',
    domainRule: 7,
    severity: 'high',
    legalBasis: `${D724} Art 24, 29`,
  },
  'balance-short': {
    nameZh: '专户余额不足',
    domainRule: 8,
    severity: 'medium',
    legalBasis: `${D724} Art 38 (early warning)`,
  },
  'arrears-growing': {
    nameZh: '欠薪持续增加',
    domainRule: 9,
    severity: 'high',
    legalBasis: `法释〔2013〕3号 (拒不支付劳动报酬罪); ${D724} Art 12`,
  },
  'deposit-missing': {
    nameZh: '未缴工资保证金',
    domainRule: 10,
    severity: 'high',
    legalBasis: `${D724} Art 32; ${D65}: lodged within 20 working days of the construction permit`,
  },
  'deposit-short': {
    nameZh: '工资保证金不足',
    domainRule: 11,
    severity: 'high',
    legalBasis: `${D724} Art 32; ${D65}: the amount required after adjustments`,
  },
  'guarantee-expiring': {
    nameZh: '保函即将到期',
    domainRule: 12,
    severity: 'medium',
    legalBasis: `${D65}: a bank guarantee replaces cash only while valid; the bureau is reminded one month before expiry`,
  },
  'deposit-not-topped-up': {
    nameZh: '保证金未补足',
    domainRule: 13,
    severity: 'high',
    legalBasis: `${D65}: the contractor tops the deposit up within 10 working days of a draw`,
  },
  'feed-incomplete': {
    nameZh: '银行数据不完整',
    domainRule: 14,
    severity: 'medium',
    legalBasis: 'Data quality: the bank reports the dedicated account (Decree 724 Art 27, 38)',
  },
  'worker-complaint': {
    nameZh: '劳动者反映欠薪',
    domainRule: null,
    severity: 'medium',
    legalBasis: `${D724} Art 10 (被拖欠工资的农民工有权依法投诉); 劳动保障监察条例 Art 9 (举报投诉)`,
  },
  'patrol-finding': {
    nameZh: '日常巡查发现问题',
    domainRule: null,
    severity: 'medium',
    legalBasis: `${D724} Art 39 (实名制管理、工资专用账户、代发工资、维权信息公示的监督检查); 劳动保障监察条例 Art 14 (日常巡视检查), Art 15 (进入劳动场所检查)`,
  },
} as const satisfies Record<RuleCode, RuleDefinition>;

/** Type-level check the other way round: no definition for a code that is not in the list. */
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const everyRuleDefined: Exact<keyof typeof RULE_DEFINITIONS, RuleCode> = true;
void everyRuleDefined;

export const legalBasisOf = (rule: RuleCode): string => RULE_DEFINITIONS[rule].legalBasis;
export const severityOf = (rule: RuleCode): Severity => RULE_DEFINITIONS[rule].severity;

const CODES: ReadonlySet<string> = new Set(RULE_CODES);
export const isRuleCode = (s: string): s is RuleCode => CODES.has(s);

/** Wage findings that count as arrears (欠薪) for the deposit policy (65号: raised after arrears). */
export const ARREARS_RULES: readonly RuleCode[] = [
  'wages-missed',
  'wages-short',
  'wages-late',
  'arrears-growing',
];
