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
