import { describe, expect, it } from 'vitest';
import { ALL_PAYMENT_RULES } from './payments/rules.ts';
import {
  ARREARS_RULES,
  DEPOSIT_RULE_CODES,
  INSPECTION_RULE_CODES,
  isRuleCode,
  PAYMENT_RULE_CODES,
  RULE_CODES,
  RULE_DEFINITIONS,
  SEVERITIES,
} from './rules.ts';

describe('the one list of rule codes', () => {
  it('given the list, then it is the payment, deposit and inspection rules, each code once', () => {
    expect(new Set(RULE_CODES).size).toBe(RULE_CODES.length);
    expect([...RULE_CODES].sort()).toEqual(
      [...PAYMENT_RULE_CODES, ...DEPOSIT_RULE_CODES, ...INSPECTION_RULE_CODES].sort(),
    );
    expect(ALL_PAYMENT_RULES).toEqual(PAYMENT_RULE_CODES);
  });

  it('given every code, then it has a severity, a legal basis and its row of DOMAIN.md rules 1-14 (a complaint has none)', () => {
    expect(Object.keys(RULE_DEFINITIONS).sort()).toEqual([...RULE_CODES].sort());
    for (const code of RULE_CODES) {
      const d = RULE_DEFINITIONS[code];
      expect(SEVERITIES, code).toContain(d.severity);
      expect(d.legalBasis.length, code).toBeGreaterThan(10);
      if (code === 'worker-complaint' || code === 'patrol-finding') {
        expect(d.domainRule).toBeNull();
        continue;
      }
      expect(d.domainRule, code).toBeGreaterThanOrEqual(1);
      expect(d.domainRule, code).toBeLessThanOrEqual(14);
    }
    const rows = new Set(RULE_CODES.flatMap((c) => RULE_DEFINITIONS[c].domainRule ?? []));
    expect([...rows].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('given a string, when asked whether it is a rule code, then only listed codes are', () => {
    expect(isRuleCode('deposit-short')).toBe(true);
    expect(isRuleCode('wages-missed')).toBe(true);
    expect(isRuleCode('deposit_short')).toBe(false);
    expect(ARREARS_RULES.every(isRuleCode)).toBe(true);
  });
});
