import { SEVERITIES as DOMAIN_SEVERITIES, RULE_CODES } from '@wagewatch/domain';
import { describe, expect, it } from 'vitest';
import { findingSnapshot, RULES, ruleSchema, SEVERITIES } from './events.ts';

describe('rule codes in the contracts', () => {
  it('given the domain list, then the contracts enum is that list, not a copy', () => {
    expect(RULES).toBe(RULE_CODES);
    expect(ruleSchema.options).toEqual([...RULE_CODES]);
    expect(SEVERITIES).toBe(DOMAIN_SEVERITIES);
  });

  it('given a finding with a code outside the list, then the contract rejects it naming the field', () => {
    const r = ruleSchema.safeParse('deposit_short');
    expect(r.success).toBe(false);
    expect(findingSnapshot.shape.rule.safeParse('guarantee-expiring').success).toBe(true);
  });
});
