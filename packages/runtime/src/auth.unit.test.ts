import { describe, expect, it } from 'vitest';
import { ApiKeys, canSeeProject } from './auth.ts';
import { UnauthorizedError } from './errors.ts';
import { maskPersonalData } from './mask.ts';

const keys = new ApiKeys('a-secret-of-at-least-thirty-two-characters', 'bootstrap-admin-key-0001');

describe('API keys', () => {
  it('verify what they issue, with role and scope', () => {
    const { key } = keys.issue('bank', { bankCode: 'ICBC-PZH' });
    expect(keys.verify(`Bearer ${key}`)).toMatchObject({ role: 'bank', bankCode: 'ICBC-PZH' });
  });
  it('refuse a key signed with another secret, a tampered payload, no header', () => {
    const other = new ApiKeys('another-secret-of-at-least-thirty-two-chars').issue('admin', {}).key;
    expect(() => keys.verify(`Bearer ${other}`)).toThrow(UnauthorizedError);
    const { key } = keys.issue('inspector', { districts: ['东区'] });
    const [payload, sig] = key.slice(3).split('.');
    const forged = Buffer.from(JSON.stringify({ role: 'admin', keyId: 'x' })).toString('base64url');
    expect(() => keys.verify(`Bearer ww_${forged}.${sig}`)).toThrow(UnauthorizedError);
    expect(payload).toBeTruthy();
    expect(() => keys.verify(undefined)).toThrow(UnauthorizedError);
    expect(() => keys.verify('Basic abc')).toThrow(UnauthorizedError);
  });
  it('accept the bootstrap admin key', () => {
    expect(keys.verify('Bearer bootstrap-admin-key-0001')).toEqual({ role: 'admin', keyId: 'bootstrap' });
  });
  it('scope what each role sees of a project', () => {
    const p = { projectId: 'P-1', district: '东区' };
    expect(canSeeProject({ role: 'inspector', keyId: 'k', districts: ['西区'] }, p)).toBe(false);
    expect(canSeeProject({ role: 'inspector', keyId: 'k', districts: 'all' }, p)).toBe(true);
    expect(canSeeProject({ role: 'project-manager', keyId: 'k', projectIds: ['P-1'] }, p)).toBe(true);
    expect(canSeeProject({ role: 'bank', keyId: 'k', bankCode: 'B' }, p)).toBe(false);
  });
});

describe('maskPersonalData', () => {
  it('masks ID numbers, account numbers and people’s names at any depth, not project names', () => {
    const masked = maskPersonalData({
      project: { name: '东区安置房' },
      workers: [{ idNumber: '51040219780315123X', name: '刘德明', accountNo: '6222021234567890123' }],
      transfer: {
        counterpartyAccountNo: '6222021234567890123',
        counterpartyName: '刘德明',
        counterpartyIdNumber: '51040219780315123X',
      },
    });
    const text = JSON.stringify(masked);
    expect(text).not.toContain('51040219780315123X');
    expect(text).not.toContain('6222021234567890123');
    expect(text).not.toContain('刘德明');
    expect(text).toContain('东区安置房');
    expect(masked).toMatchObject({
      workers: [{ idNumber: '510402********123X', name: '刘**', accountNo: '***************0123' }],
    });
  });
});
