import { describe, expect, it } from 'vitest';
import { maskPersonalData, maskText } from './mask.ts';

const ID = '51040219850315001X';
const CARD = '6222021000000000001';

describe('maskText', () => {
  it('masks resident IDs and 16+ digit numbers anywhere in a text, and leaves shorter numbers', () => {
    expect(maskText(`Key (id_number)=(${ID}) card ${CARD} seq 123456789012345`)).toBe(
      'Key (id_number)=(510402********001X) card ***************0001 seq 123456789012345',
    );
  });
});

describe('phone numbers (欠薪线索)', () => {
  it('masks a mobile number in a text and under a phone key, keeping the first 3 and last 4 digits', () => {
    expect(maskText('call 13812345678 back; order 213812345678 stays')).toBe(
      'call 138****5678 back; order 213812345678 stays',
    );
    expect(maskPersonalData({ phone: '0812-3334567', clue: { callbackPhone: '13912345678' } })).toEqual({
      phone: '081****4567',
      clue: { callbackPhone: '139****5678' },
    });
  });
});

describe('maskPersonalData on errors', () => {
  it("drops a database error's statement values and masks its message, stack and causes", () => {
    const pg = Object.assign(new Error(`duplicate key: ${ID}`), {
      code: '23505',
      constraint: 'one_card',
      detail: `Key (account_no)=(${CARD}) already exists.`,
      params: ['P1', [ID], ['张三丰'], [CARD]],
      query: 'INSERT INTO ingest.workers …',
    });
    const top = new Error('request failed', { cause: new AggregateError([pg], 'batch failed') });
    const out = maskPersonalData({ err: top }) as { err: Record<string, any> };
    const text = JSON.stringify(out);
    expect(text).not.toContain(ID);
    expect(text).not.toContain(CARD);
    expect(text).not.toContain('张三丰');
    const inner = out.err.cause.errors[0];
    expect(inner).toMatchObject({
      type: 'Error',
      code: '23505',
      constraint: 'one_card',
      query: 'INSERT INTO ingest.workers …',
    });
    expect(inner).not.toHaveProperty('params');
    expect(inner).not.toHaveProperty('detail');
    expect(inner.message).toBe('duplicate key: 510402********001X');
    expect(out.err.cause.type).toBe('AggregateError');
    expect(typeof out.err.stack).toBe('string');
  });
});

describe('maskPersonalData on secrets', () => {
  it('never logs passwords, session or CSRF tokens, or cookies', () => {
    const record = {
      body: { login: 'inspector.east', password: 'hunter2-hunter2', currentPassword: 'a', newPassword: 'b' },
      req: {
        headers: { cookie: 'ww_session=abc123', 'x-csrf-token': 'csrf-value', authorization: 'Bearer k' },
      },
      res: { headers: { 'set-cookie': 'ww_session=abc123; HttpOnly' } },
      session: { token: 'tok', csrfToken: 'csrf-value', password_hash: 'scrypt$1$2$3$a$b' },
      msg: 'sent Cookie: ww_session=secretvalue; other=1',
    };
    const text = JSON.stringify(maskPersonalData(record));
    for (const secret of ['hunter2', 'abc123', 'csrf-value', 'Bearer k', 'tok"', 'scrypt$', 'secretvalue'])
      expect(text).not.toContain(secret);
    expect(text).toContain('inspector.east');
    expect(text).toContain('ww_session=[redacted]; other=1');
  });
});
